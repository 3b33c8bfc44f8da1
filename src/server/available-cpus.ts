import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** What `availableCpus` reads of the system; tests hand it fixture files. */
export interface CpuSystem {
  /** A file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** `os.availableParallelism()`: the CPUs this process may run on. */
  availableParallelism(): number;
}

const nodeSystem: CpuSystem = {
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  availableParallelism,
};

/**
 * How many CPUs this process can keep busy: a container's (or a systemd unit's) CPU quota rounded
 * up, at most the CPUs it may run on, at least 1; without a quota, `os.availableParallelism()`.
 * A 2-CPU container on a 64-core host gets 2, not 64, and `--cpus=1.5` gets 2.
 *
 * The CPUs it may run on come from /proc/self/status and not from `os.availableParallelism()`,
 * because libuv 1.49+ (Node 22 and 24) already folds the quota into that rounded down: the same
 * container would get 1 on Node 24 and 2 on Node 20.
 */
export function availableCpus(system: CpuSystem = nodeSystem): number {
  const limit = cgroupCpuLimit(system.readFile);
  if (limit === undefined) return system.availableParallelism();
  const status = system.readFile('/proc/self/status') ?? '';
  const allowed = cpuListSize(/^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? '');
  return Math.max(1, Math.min(allowed ?? system.availableParallelism(), Math.ceil(limit)));
}

/**
 * The CPU limit (in CPUs, possibly fractional) of this process's cgroup or of any cgroup above it,
 * the smallest one winning as in the kernel, or undefined when none is set. Reads cgroup v2's
 * `cpu.max` and cgroup v1's `cpu.cfs_quota_us` / `cpu.cfs_period_us`. A container mounts its own
 * cgroup at /sys/fs/cgroup, so its path in /proc/self/cgroup may not exist there: missing
 * directories are skipped on the way up to the mount.
 */
export function cgroupCpuLimit(readFile: CpuSystem['readFile'], root = '/sys/fs/cgroup'): number | undefined {
  const membership = readFile('/proc/self/cgroup') ?? '';
  const limits: number[] = [];
  const unified = /^0::(\/.*)$/m.exec(membership)?.[1] ?? '/';
  for (const dir of upToRoot(root, unified)) {
    const text = readFile(`${dir}/cpu.max`);
    const limit = text === undefined ? undefined : parseCpuMax(text);
    if (limit !== undefined) limits.push(limit);
  }
  // cgroup v1: a line such as "4:cpu,cpuacct:/docker/abc", mounted as cpu/ or cpu,cpuacct/.
  const v1 = membership
    .split('\n')
    .map((line) => /^\d+:([^:]*):(\/.*)$/.exec(line))
    .find((match) => match?.[1]?.split(',').includes('cpu'))?.[2];
  for (const mount of [`${root}/cpu`, `${root}/cpu,cpuacct`]) {
    for (const dir of upToRoot(mount, v1 ?? '/')) {
      const quota = readFile(`${dir}/cpu.cfs_quota_us`);
      const period = readFile(`${dir}/cpu.cfs_period_us`);
      const limit = quota === undefined || period === undefined ? undefined : parseCfsQuota(quota, period);
      if (limit !== undefined) limits.push(limit);
    }
  }
  return limits.length === 0 ? undefined : Math.min(...limits);
}

/** cgroup v2 `cpu.max`: "200000 100000" is 2 CPUs, "max 100000" is no limit (undefined). */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  return quota === 'max' ? undefined : cpus(quota, period ?? '100000');
}

/** cgroup v1 `cpu.cfs_quota_us` over `cpu.cfs_period_us`: a quota of -1 is no limit (undefined). */
export function parseCfsQuota(quota: string, period: string): number | undefined {
  return cpus(quota.trim(), period.trim());
}

function cpus(quota: string | undefined, period: string): number | undefined {
  const [q, p] = [Number(quota), Number(period)];
  return Number.isFinite(q) && Number.isFinite(p) && q > 0 && p > 0 ? q / p : undefined;
}

/** The size of a CPU list such as "0-3,8,10-11" (8), or undefined when it does not parse. */
export function cpuListSize(list: string): number | undefined {
  let size = 0;
  for (const range of list.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(range.trim());
    if (!match) return undefined;
    const [first, last] = [Number(match[1]), Number(match[2] ?? match[1])];
    if (last < first) return undefined;
    size += last - first + 1;
  }
  return size > 0 ? size : undefined;
}

/** root/a/b, root/a, root for the cgroup path /a/b; just root for a path that climbs out ("/.."). */
function upToRoot(root: string, path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.some((part) => part === '..' || part === '.')) return [root];
  return parts.map((_, index) => [root, ...parts.slice(0, parts.length - index)].join('/')).concat(root);
}
