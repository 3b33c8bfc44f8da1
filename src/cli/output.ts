import { UserFacingError } from '../errors.js';
import { asPortInUse } from '../server/port-in-use.js';

/**
 * Prints a failure for an operator: the message and its details, no stack unless asked for. Returns
 * the exit code it calls for: 2 when a port is taken, else 1.
 */
export function reportFailure(error: unknown): number {
  const portInUse = asPortInUse(error);
  if (portInUse) {
    process.stderr.write(`gatehouse: ${portInUse.message}\n`);
    return portInUse.exitCode;
  }
  if (error instanceof UserFacingError) {
    process.stderr.write(`gatehouse: ${error.message}\n`);
    for (const detail of error.details) process.stderr.write(`  - ${detail.replaceAll('\n', '\n    ')}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gatehouse: unexpected error: ${message}\n`);
  if (process.env.GATEHOUSE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}

/** Runs a command body; a failure prints cleanly and exits 1 (2 when a port is taken). */
export async function runCommand(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.exitCode = reportFailure(error);
  }
}

/** Calls `stop` once on SIGINT or SIGTERM, then exits 0 (1 if stopping failed). */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`gatehouse: ${signal} received, shutting down\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        reportFailure(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * SIGHUP reloads the supergraph from its source and never stops the process (Node's default for
 * SIGHUP is to exit). Signals that arrive during a reload make one more reload after it.
 */
export function reloadOnHangup(reload: () => Promise<unknown>): void {
  let running = false;
  let again = false;
  const run = () => {
    running = true;
    again = false;
    reload()
      .catch(reportFailure)
      .finally(() => {
        running = false;
        if (again) run();
      });
  };
  process.on('SIGHUP', () => {
    process.stderr.write('gatehouse: SIGHUP received, reloading the supergraph\n');
    if (running) again = true;
    else run();
  });
}

/** Rows as left-aligned columns two spaces apart (the first row is the header), one line each. */
export function alignedTable(rows: readonly (readonly string[])[]): string {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
