// /proc (Linux): process trees, their CPU time and their resident memory.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats.mjs';

export const CLK_TCK = (() => {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

/** { ppid, ticks: utime + stime } of a live process, or null. */
function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after "pid (comm) ": state is field 3, ppid 4, utime 14, stime 15.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

export function isAlive(pid) {
  return readStat(pid) !== null;
}

/** The live pids of `rootPid` and all its descendants, root first, with their stats. */
export function processTree(rootPid) {
  const stats = new Map();
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (!stat) continue;
    stats.set(pid, stat);
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  const tree = new Map();
  if (!stats.has(rootPid)) return tree;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift();
    tree.set(pid, stats.get(pid));
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return tree;
}

/** CPU ticks per pid of a process tree. */
function cpuSnapshot(rootPid) {
  return new Map([...processTree(rootPid)].map(([pid, stat]) => [pid, stat.ticks]));
}

/**
 * Starts measuring the CPU time of a process tree; the returned function gives the milliseconds used since
 * (processes born in between count from 0).
 */
export function startCpuMeter(rootPid) {
  const before = cpuSnapshot(rootPid);
  return () => {
    let ticks = 0;
    for (const [pid, end] of cpuSnapshot(rootPid)) ticks += end - (before.get(pid) ?? 0);
    return (ticks * 1000) / CLK_TCK;
  };
}

function rssKiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Samples the summed VmRSS of a process tree every `intervalMs`; the tree is re-read every second. */
export function startRssSampler(rootPid, intervalMs) {
  let pids = [...processTree(rootPid).keys()];
  let ticks = 0;
  let peakTotal = 0;
  const peakByPid = new Map();
  const sample = () => {
    if (ticks++ % Math.max(1, Math.round(1000 / intervalMs)) === 0) pids = [...processTree(rootPid).keys()];
    let total = 0;
    for (const pid of pids) {
      const kib = rssKiB(pid);
      total += kib;
      if (kib > (peakByPid.get(pid) ?? 0)) peakByPid.set(pid, kib);
    }
    if (total > peakTotal) peakTotal = total;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const processes = [...peakByPid].map(([pid, kib]) => ({
        pid,
        role: pid === rootPid ? 'main' : 'child',
        peakRssMiB: round(kib / 1024, 1),
      }));
      const children = processes.filter((process) => process.role === 'child');
      // With child processes (cluster workers), the workers are the children; otherwise the main process.
      const workers = children.length > 0 ? children : processes;
      return {
        peakRssMiB: round(peakTotal / 1024, 1),
        peakRssPerWorkerMiB: workers.map((worker) => worker.peakRssMiB),
        processes,
      };
    },
  };
}
