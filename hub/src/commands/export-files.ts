import fs from 'node:fs';
import path from 'node:path';
import type { CommandIO } from './command.ts';

/**
 * The copies of a household's data in `exports/`: its own exports (`household export`), and the
 * open-data exports (`export`) written while it shared at level `open`, which hold its rows.
 */
export interface ExportCopies {
  own: string[];
  openData: string[];
}

export function exportsDir(dataDir: string): string {
  return path.join(dataDir, 'exports');
}

/** Finds the files of `exports/` that hold a household's data (its nodes' rows). */
export function findExportCopies(dataDir: string, household: string, nodes: readonly string[]): ExportCopies {
  const dir = exportsDir(dataDir);
  if (!fs.existsSync(dir)) return { own: [], openData: [] };
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.csv'));
  const own = names.filter((f) => f.startsWith(`household-${household}-`));
  // the CSV's second column is the node: ",<node>," on a line names one of its rows
  const needles = nodes.map((n) => Buffer.from(`,${n},`));
  const openData = names.filter(
    (f) => f.startsWith('open-data-') && needles.length > 0 && fileHolds(path.join(dir, f), needles),
  );
  return { own: own.map((f) => path.join(dir, f)), openData: openData.map((f) => path.join(dir, f)) };
}

/** Reads a file by chunks (exports may be large) and says whether any needle occurs in it. */
function fileHolds(file: string, needles: readonly Buffer[]): boolean {
  const longest = Math.max(...needles.map((n) => n.length));
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return false;
      const text = Buffer.concat([carry, chunk.subarray(0, n)]);
      if (needles.some((needle) => text.includes(needle))) return true;
      carry = text.subarray(Math.max(0, text.length - longest));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A shell command that removes files, each path quoted. */
export function removeCommand(files: readonly string[]): string {
  return `rm ${files.map((f) => `'${f.replace(/'/g, "'\\''")}'`).join(' ')}`;
}

/** Open-data files that hold a household's rows: named, with the command that removes them. */
export function reportOpenData(io: CommandIO, dataDir: string, files: readonly string[]): void {
  if (files.length === 0) return;
  io.out(
    `  open-data exports that still hold its rows (${files.length}): remove them, and any copy given away:`,
  );
  for (const f of files) io.out(`    ${path.relative(dataDir, f)}`);
  io.out(`    ${removeCommand(files)}`);
}
