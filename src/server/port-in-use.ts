import { UserFacingError } from '../errors.js';

/** The exit code of a command that could not listen because the port was taken (1 is any other failure). */
export const PORT_IN_USE_EXIT_CODE = 2;

/**
 * A listener's EADDRINUSE, said as an operator needs it: which port on which interface, and what to
 * change. A cluster worker meets it too (the primary binds for it), and reports it to the primary.
 */
export class PortInUseError extends UserFacingError {
  readonly exitCode = PORT_IN_USE_EXIT_CODE;

  constructor(
    readonly host: string,
    readonly port: number,
    hint = 'stop what listens there, or choose another port (--port, GATEHOUSE_PORT or server.port)',
  ) {
    super(`Port ${port} on ${host} is already in use: ${hint}.`);
    this.name = 'PortInUseError';
  }
}

/** The error as a PortInUseError when it is Node's EADDRINUSE (from `listen` or a worker's `bind`). */
export function asPortInUse(error: unknown, hint?: string): PortInUseError | undefined {
  if (error instanceof PortInUseError) return error;
  const { code, address, port } = (error ?? {}) as { code?: unknown; address?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE') return undefined;
  return new PortInUseError(
    typeof address === 'string' ? address : 'this host',
    typeof port === 'number' ? port : Number(port),
    hint,
  );
}
