import { readFileSync, writeFileSync } from 'node:fs';

/** `VmRSS` (resident now) or `VmHWM` (the peak resident set) of a process, in bytes, from /proc. */
export function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  if (kib === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

/** Starts a new peak: VmHWM is set back to the current VmRSS (Linux `clear_refs`). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * The process that serves: `gatehouse serve` with one worker serves from a child process started
 * with the worker heap flags, when it started one; otherwise the CLI process itself.
 */
export function servingPid(cliPid: number): number {
  const children = readFileSync(`/proc/${cliPid}/task/${cliPid}/children`, 'utf8').trim();
  const [first] = children === '' ? [] : children.split(/\s+/).map(Number);
  return first ?? cliPid;
}
