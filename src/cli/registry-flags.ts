import type { Command } from 'commander';
import { UserFacingError } from '../errors.js';
import type { RegistryClient } from '../registry/client.js';

/** Flags every command that talks to a registry takes. */
export interface RegistryFlags {
  registry?: string;
  token?: string;
  format?: string;
}

export type OutputFormat = 'text' | 'json';

/** Adds `--registry`, `--token` and `--format` to a command. */
export function withRegistryOptions(command: Command): Command {
  return command
    .option('--registry <url>', "the registry's base URL (default: GATEHOUSE_REGISTRY_URL)")
    .option('--token <token>', 'an admin token of the registry (default: GATEHOUSE_REGISTRY_TOKEN)')
    .option('--format <format>', 'text or json', 'text');
}

export function outputFormat(flags: RegistryFlags): OutputFormat {
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UserFacingError(`--format: expected text or json, got "${format}"`);
  }
  return format;
}

/**
 * Runs `body` with a client of the registry named by the flags (or the environment), closed after.
 * The registry's refusals and unreachability become messages for the operator, without a stack.
 */
export async function withRegistry<T>(
  flags: RegistryFlags,
  body: (client: RegistryClient) => Promise<T>,
): Promise<T> {
  const url = flags.registry ?? process.env.GATEHOUSE_REGISTRY_URL;
  if (url === undefined || url.trim() === '') {
    throw new UserFacingError('No registry: pass --registry URL or set GATEHOUSE_REGISTRY_URL.');
  }
  const token = flags.token ?? nonEmpty(process.env.GATEHOUSE_REGISTRY_TOKEN);
  const { RegistryClient } = await import('../registry/client.js');
  const client = new RegistryClient({ url: url.trim(), ...(token === undefined ? {} : { token }) });
  try {
    return await body(client);
  } catch (error) {
    throw await asUserError(error, token !== undefined);
  } finally {
    await client.close();
  }
}

async function asUserError(error: unknown, sentToken: boolean): Promise<unknown> {
  const [{ RegistryRequestError }, { RegistryError }] = await Promise.all([
    import('../registry/client.js'),
    import('../registry/types.js'),
  ]);
  if (error instanceof RegistryRequestError) {
    const hint = error.status === 401 && !sentToken ? ': pass --token or set GATEHOUSE_REGISTRY_TOKEN' : '';
    return new UserFacingError(`${error.message}${hint}`);
  }
  if (error instanceof RegistryError) return new UserFacingError(error.message);
  return error;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A positive integer flag or argument, e.g. a version id. */
export function positiveInteger(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UserFacingError(`${what}: expected a version id (a positive integer), got "${value}"`);
  }
  return Number(value);
}

/** Prints a result: as JSON with `--format json`, else as text for people. */
export function print<T>(format: OutputFormat, value: T, text: (value: T) => string): void {
  process.stdout.write(format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : text(value));
}

/** Exit 1: with a line on stderr for people; JSON output stays the only output for machines. */
export function rejected(format: OutputFormat, message: string): void {
  if (format === 'json') {
    process.exitCode = 1;
    return;
  }
  throw new UserFacingError(message);
}
