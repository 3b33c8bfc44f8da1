import { availableParallelism, cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  availableCpus,
  cgroupCpuLimit,
  cpuListSize,
  parseCfsQuota,
  parseCpuMax,
  type CpuSystem,
} from '../../../src/server/available-cpus.js';

/** A machine made of fixture files, with `parallelism` CPUs as libuv counts them. */
function machine(files: Record<string, string>, parallelism = 64): CpuSystem {
  return { readFile: (path) => files[path], availableParallelism: () => parallelism };
}

const status64 = {
  '/proc/self/status': 'Name:\tnode\nCpus_allowed:\tffffffff,ffffffff\nCpus_allowed_list:\t0-63\n',
};

describe('the CPU count a gateway uses by default', () => {
  it('reads cgroup v2 cpu.max: "max" is no limit, QUOTA PERIOD is QUOTA/PERIOD CPUs', () => {
    expect(parseCpuMax('max 100000\n')).toBeUndefined();
    expect(parseCpuMax('200000 100000\n')).toBe(2);
    expect(parseCpuMax('150000 100000')).toBe(1.5);
    expect(parseCpuMax('50000 100000')).toBe(0.5);
    expect(parseCpuMax('')).toBeUndefined();
    expect(parseCpuMax('garbage')).toBeUndefined();
  });

  it('reads cgroup v1 cpu.cfs_quota_us over cpu.cfs_period_us: -1 is no limit', () => {
    expect(parseCfsQuota('-1\n', '100000\n')).toBeUndefined();
    expect(parseCfsQuota('400000\n', '100000\n')).toBe(4);
    expect(parseCfsQuota('25000', '50000')).toBe(0.5);
    expect(parseCfsQuota('100000', '0')).toBeUndefined();
  });

  it('counts a CPU list as the kernel prints it', () => {
    expect(cpuListSize('0-63')).toBe(64);
    expect(cpuListSize('0-3,8,10-11')).toBe(7);
    expect(cpuListSize('5')).toBe(1);
    expect(cpuListSize('')).toBeUndefined();
    expect(cpuListSize('3-1')).toBeUndefined();
  });

  it('in a cgroup v2 container (its own cgroup at /sys/fs/cgroup), follows the quota', () => {
    const container = { '/proc/self/cgroup': '0::/\n', ...status64 };
    expect(availableCpus(machine({ ...container, '/sys/fs/cgroup/cpu.max': '200000 100000\n' }))).toBe(2);
    expect(availableCpus(machine({ ...container, '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBe(64);
  });

  it('rounds a fractional quota up, and never goes below 1', () => {
    const container = { '/proc/self/cgroup': '0::/\n', ...status64 };
    expect(availableCpus(machine({ ...container, '/sys/fs/cgroup/cpu.max': '150000 100000' }))).toBe(2);
    expect(availableCpus(machine({ ...container, '/sys/fs/cgroup/cpu.max': '10000 100000' }))).toBe(1);
  });

  it('does not trust availableParallelism() under a quota: Node 24 folds the quota in rounded down', () => {
    // libuv ≥ 1.49 answers floor(1.5) = 1 here; the CPUs the process may run on are in /proc/self/status.
    const files = { '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '150000 100000', ...status64 };
    expect(availableCpus(machine(files, 1))).toBe(2);
  });

  it('never exceeds the CPUs the process may run on (a cpuset smaller than the quota)', () => {
    const files = {
      '/proc/self/cgroup': '0::/\n',
      '/sys/fs/cgroup/cpu.max': '800000 100000',
      '/proc/self/status': 'Cpus_allowed_list:\t2-3\n',
    };
    expect(availableCpus(machine(files, 2))).toBe(2);
  });

  it('on a cgroup v2 host, takes the tightest limit of the process cgroup and its parents (systemd CPUQuota=)', () => {
    const host = {
      '/proc/self/cgroup': '0::/system.slice/gatehouse.service\n',
      '/sys/fs/cgroup/system.slice/cpu.max': '300000 100000\n',
      '/sys/fs/cgroup/system.slice/gatehouse.service/cpu.max': 'max 100000\n',
      ...status64,
    };
    expect(cgroupCpuLimit(machine(host).readFile)).toBe(3);
    expect(availableCpus(machine(host))).toBe(3);
  });

  it('in a cgroup v1 container (docker on an older host), reads cpu.cfs_quota_us', () => {
    const docker = {
      '/proc/self/cgroup': '12:pids:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n',
      // Docker mounts the container's own cgroup at the controller's mount point.
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '250000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      ...status64,
    };
    expect(availableCpus(machine(docker))).toBe(3);
  });

  it('with cgroup v1 and no quota (this CI machine: hybrid, "-1"), uses availableParallelism()', () => {
    const hybrid = {
      '/proc/self/cgroup': '1:cpu:/\n2:cpuacct:/\n0::/\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
      ...status64,
    };
    expect(cgroupCpuLimit(machine(hybrid).readFile)).toBeUndefined();
    expect(availableCpus(machine(hybrid, 2))).toBe(2);
  });

  it('without cgroups (macOS, Windows) or with unreadable files, uses availableParallelism()', () => {
    expect(availableCpus(machine({}, 8))).toBe(8);
    const odd = { '/proc/self/cgroup': '0::/../..\n', '/sys/fs/cgroup/cpu.max': 'nonsense' };
    expect(availableCpus(machine(odd, 4))).toBe(4);
  });

  it('on this machine, is between 1 and the CPU count', () => {
    const count = availableCpus();
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(Math.max(cpus().length, availableParallelism()));
  });
});
