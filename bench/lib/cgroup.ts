import fs from 'node:fs';
import path from 'node:path';

const MOUNT = '/sys/fs/cgroup';

export interface CgroupLimits {
  /** CPU time allowed per period, µs (10,000 of 100,000: a tenth of one core) */
  cpuQuotaUs: number;
  cpuPeriodUs: number;
  /**
   * The group's weight against the processes beside it (1,024: one ordinary process). A high
   * weight under a quota gives the group its quota first on a busy machine, and never more.
   */
  cpuShares?: number;
  memoryBytes: number;
}

/** cpu.stat of the v1 cpu controller: throttling of the group. */
export interface CpuStat {
  periods: number;
  throttled: number;
  throttledMs: number;
}

/** What the v1 memory controller says of the group. */
export interface MemoryStat {
  usage: number;
  maxUsage: number;
  /** times usage hit the limit (page cache reclaimed to make room counts too) */
  failcnt: number;
  /** processes the kernel killed for the group (`oom_kill` of memory.oom_control) */
  oomKills: number;
  underOom: boolean;
  /** anonymous memory of the group's processes, and the page cache charged to it */
  rss: number;
  cache: number;
}

/**
 * A pair of cgroup v1 groups, one in the cpu hierarchy and one in the memory hierarchy, named
 * `name` under the groups this process already belongs to (the root on a plain machine), so the
 * limits nest inside whatever contains the benchmark. Needs root and cgroup v1 mounted at
 * /sys/fs/cgroup; `unavailable()` says why not in one line.
 */
export class CgroupPair {
  readonly cpuDir: string;
  readonly memoryDir: string;

  private constructor(cpuDir: string, memoryDir: string) {
    this.cpuDir = cpuDir;
    this.memoryDir = memoryDir;
  }

  /** Why cgroups cannot be used here, or undefined when they can. */
  static unavailable(): string | undefined {
    for (const controller of ['cpu', 'memory']) {
      const dir = path.join(MOUNT, controller);
      if (!fs.existsSync(path.join(dir, 'cgroup.procs')))
        return `no cgroup v1 ${controller} controller at ${dir} (a cgroup v2-only system?)`;
      try {
        fs.accessSync(parentOf(controller), fs.constants.W_OK);
      } catch (err) {
        return `${parentOf(controller)} is not writable (${(err as NodeJS.ErrnoException).code})`;
      }
    }
    return undefined;
  }

  static create(name: string, limits: CgroupLimits): CgroupPair {
    const pair = new CgroupPair(path.join(parentOf('cpu'), name), path.join(parentOf('memory'), name));
    fs.mkdirSync(pair.cpuDir);
    try {
      fs.mkdirSync(pair.memoryDir);
      write(pair.cpuDir, 'cpu.cfs_period_us', limits.cpuPeriodUs);
      write(pair.cpuDir, 'cpu.cfs_quota_us', limits.cpuQuotaUs);
      if (limits.cpuShares !== undefined) write(pair.cpuDir, 'cpu.shares', limits.cpuShares);
      write(pair.memoryDir, 'memory.limit_in_bytes', limits.memoryBytes);
      // with swap accounting on, the same limit for memory + swap: a Pi's swap on an SD card is
      // not a way out that this envelope allows
      if (fs.existsSync(path.join(pair.memoryDir, 'memory.memsw.limit_in_bytes')))
        write(pair.memoryDir, 'memory.memsw.limit_in_bytes', limits.memoryBytes);
    } catch (err) {
      pair.remove();
      throw err;
    }
    return pair;
  }

  /** The files a process writes its pid to, to join both groups. */
  get procsFiles(): string[] {
    return [path.join(this.cpuDir, 'cgroup.procs'), path.join(this.memoryDir, 'cgroup.procs')];
  }

  cpu(): CpuStat {
    const s = keyValues(path.join(this.cpuDir, 'cpu.stat'));
    return {
      periods: s.nr_periods ?? 0,
      throttled: s.nr_throttled ?? 0,
      throttledMs: (s.throttled_time ?? 0) / 1e6,
    };
  }

  memory(): MemoryStat {
    const read = (file: string) => Number(fs.readFileSync(path.join(this.memoryDir, file), 'utf8'));
    const oom = keyValues(path.join(this.memoryDir, 'memory.oom_control'));
    const stat = keyValues(path.join(this.memoryDir, 'memory.stat'));
    return {
      usage: read('memory.usage_in_bytes'),
      maxUsage: read('memory.max_usage_in_bytes'),
      failcnt: read('memory.failcnt'),
      oomKills: oom.oom_kill ?? 0,
      underOom: (oom.under_oom ?? 0) > 0,
      rss: stat.rss ?? 0,
      cache: stat.cache ?? 0,
    };
  }

  /**
   * Moves any process left in the groups back to their parents and removes both directories.
   * Safe to call twice; a directory the kernel still reports busy is retried for a few seconds.
   */
  async remove(): Promise<void> {
    for (const dir of [this.cpuDir, this.memoryDir]) {
      if (!fs.existsSync(dir)) continue;
      const procs = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
      for (const pid of procs) {
        try {
          fs.writeFileSync(path.join(path.dirname(dir), 'cgroup.procs'), pid);
        } catch {
          // the process exited meanwhile
        }
      }
      for (let attempt = 0; ; attempt++) {
        try {
          fs.rmdirSync(dir);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || attempt >= 50) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  }
}

/** The directory of this process's own group in a v1 hierarchy (from /proc/self/cgroup). */
function parentOf(controller: string): string {
  let own = '/';
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, where] = line.split(':');
    if (controllers?.split(',').includes(controller) && where) own = where;
  }
  return path.join(MOUNT, controller, own);
}

function write(dir: string, file: string, value: number): void {
  fs.writeFileSync(path.join(dir, file), String(value));
}

function keyValues(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) out[k] = Number(v);
  }
  return out;
}
