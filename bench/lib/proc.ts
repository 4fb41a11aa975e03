import fs from 'node:fs';

/**
 * What the kernel accounts to one process: CPU time (utime + stime, /proc/<pid>/stat), resident
 * memory (VmRSS) and bytes sent to the block layer (write_bytes). Reading these for the server's own
 * pid keeps the load generator's cost out of the figures.
 */
export interface ProcSample {
  cpuMs: number;
  rssKb: number;
  writeBytes: number;
  at: number;
}

/** USER_HZ: 100 on every Linux this runs on (the kernel ABI fixes it for /proc). */
const TICK_MS = 10;

export function sampleProc(pid: number): ProcSample {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name may contain spaces: fields are counted after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+)/.exec(status);
  let writeBytes = 0;
  try {
    const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
    writeBytes = Number(/write_bytes:\s+(\d+)/.exec(io)?.[1] ?? 0);
  } catch {
    // /proc/<pid>/io needs the same user or root; without it write amplification is reported n/a
    writeBytes = Number.NaN;
  }
  return { cpuMs: (utime + stime) * TICK_MS, rssKb: Number(rss?.[1] ?? 0), writeBytes, at: Date.now() };
}

export interface ProcDelta {
  cpuMs: number;
  wallMs: number;
  writeBytes: number;
  rssKb: number;
}

export function delta(a: ProcSample, b: ProcSample): ProcDelta {
  return {
    cpuMs: b.cpuMs - a.cpuMs,
    wallMs: b.at - a.at,
    writeBytes: b.writeBytes - a.writeBytes,
    rssKb: b.rssKb,
  };
}

/** The sum over several processes (mosquitto plus its SQLite subscriber). */
export function sampleAll(pids: readonly number[]): ProcSample {
  const all = pids.map(sampleProc);
  return {
    cpuMs: all.reduce((s, x) => s + x.cpuMs, 0),
    rssKb: all.reduce((s, x) => s + x.rssKb, 0),
    writeBytes: all.reduce((s, x) => s + x.writeBytes, 0),
    at: Date.now(),
  };
}

/**
 * How long the main thread of `pid` (the event loop, for Node) has waited for a CPU while it was
 * runnable, ms (`/proc/<pid>/schedstat`, second field): other processes on the machine, and a
 * cgroup's CPU quota, show up here and nowhere else.
 */
export function runDelayMs(pid: number | 'self'): number {
  const fields = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
  return Number(fields[1]) / 1e6;
}
