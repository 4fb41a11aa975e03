import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PERFORMANCE_MD = path.join(ROOT, 'docs/PERFORMANCE.md');

const HEADER = `# Performance

Figures measured by benchmark scripts on the machine named in each section, never asserted in
\`npm test\` (the machines are shared and noisy). Each section is rewritten in place by its own
benchmark, between its marker comments, so sections written by other benchmarks survive.
\`npm run bench\` runs them all; \`npm run bench -- NAME\` runs one.
`;

export function machine(): string {
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    model = /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? model;
  } catch {
    // not Linux: os.cpus() is the best we have
  }
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `${os.cpus().length} cores, ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average at start ${load}`;
}

export interface Section {
  /** marker id, e.g. `ingest` */
  id: string;
  title: string;
  command: string;
  /** markdown: tables and notes */
  body: string;
}

/** Replaces (or appends) one section of docs/PERFORMANCE.md between `<!-- bench:ID -->` markers. */
export function writeSection(s: Section, file = PERFORMANCE_MD): void {
  const begin = `<!-- bench:${s.id} begin -->`;
  const end = `<!-- bench:${s.id} end -->`;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const block = [
    begin,
    `## ${s.title}`,
    '',
    `Measured ${date} UTC on ${machine()}. Rerun: \`${s.command}\`.`,
    '',
    s.body.trim(),
    end,
  ].join('\n');
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : HEADER;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A markdown table from a header row and rows of cells. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `met` / `missed by N%` against a budget, for the tables. */
export function verdict(value: number, budget: number, higherIsBetter: boolean): string {
  if (!Number.isFinite(value)) return 'n/a';
  const ok = higherIsBetter ? value >= budget : value <= budget;
  if (ok) return 'met';
  const by = higherIsBetter ? (budget - value) / budget : (value - budget) / budget;
  return `**missed** by ${Math.round(by * 100)} %`;
}
