import { CommandError } from './command.ts';

/** How the console reads numbers and writes times, sizes and durations: plain ASCII for dumb terminals. */

export function formatTime(ts: number | null | undefined): string {
  if (ts === null || ts === undefined) return '-';
  return `${new Date(ts).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** A number typed on the console, or a one-line error naming what was expected. */
export function parseNumber(raw: string | undefined, what: string): number {
  const n = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(n)) throw new CommandError(`${what} must be a number, got "${raw ?? ''}"`);
  return n;
}
