import fs from 'node:fs';
import path from 'node:path';
import { seriesName } from '../../../protocol/index.ts';
import type { RawReadings } from './raw-readings.ts';
import type { Registry, SensorRow } from './registry.ts';
import type { RollupReader } from './rollup-reader.ts';

/** Rows read per query: the write lock is never held long and ingest keeps flowing between pages. */
const PAGE = 5000;
const READINGS_HEADER = 'series,node,sensor,quantity,unit,ts,iso_time,value,demo\n';
const ROLLUPS_HEADER = 'series,node,sensor,quantity,unit,period_s,start,iso_start,count,sum,min,max,last\n';

export interface ExportResult {
  files: string[];
  rows: number;
}

/** `exports/<name>-20261129-101500.csv` in the data directory: a name that sorts by time. */
export function exportFile(dataDir: string, name: string, now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const dir = path.join(dataDir, 'exports');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return path.join(dir, `${name}-${stamp}.csv`);
}

/**
 * Writes the raw readings of `sensors` as CSV (the columns of GET /api/export), page by page with
 * keyset pagination: between pages the event loop turns, so a long export never stalls ingest.
 */
export async function writeReadingsCsv(
  raw: RawReadings,
  registry: Registry,
  sensors: readonly SensorRow[],
  file: string,
  range: { from: number; to: number },
): Promise<number> {
  return writePaged(file, READINGS_HEADER, sensors, async (s, emit) => {
    const demo = registry.node(s.node_id)?.demo === 1;
    const prefix = `${seriesName(s.node_id, s.sensor)},${s.node_id},${s.sensor},${s.quantity},${s.unit}`;
    let cursor = range.from;
    for (;;) {
      const rows = raw.page(s.id, cursor, range.to, PAGE);
      for (const r of rows) emit(`${prefix},${r.ts},${new Date(r.ts).toISOString()},${r.value},${demo}\n`);
      if (rows.length < PAGE) return;
      cursor = (rows[rows.length - 1]?.ts ?? range.to) + 1;
      await new Promise((r) => setImmediate(r));
    }
  });
}

/** Writes every rollup (minute, hour, day) of `sensors` as CSV: what outlives raw retention. */
export async function writeRollupsCsv(
  rollups: RollupReader,
  sensors: readonly SensorRow[],
  file: string,
): Promise<number> {
  return writePaged(file, ROLLUPS_HEADER, sensors, async (s, emit) => {
    const prefix = `${seriesName(s.node_id, s.sensor)},${s.node_id},${s.sensor},${s.quantity},${s.unit}`;
    let n = 0;
    for (const r of rollups.all(s.id)) {
      emit(
        `${prefix},${r.period / 1000},${r.start},${new Date(r.start).toISOString()},${r.count},${r.sum},${r.min},${r.max},${r.last}\n`,
      );
      if (++n % PAGE === 0) await new Promise((r) => setImmediate(r));
    }
  });
}

async function writePaged(
  file: string,
  header: string,
  sensors: readonly SensorRow[],
  each: (s: SensorRow, emit: (line: string) => void) => Promise<void>,
): Promise<number> {
  // private data may be in it: readable by the hub's user only; written aside, then renamed
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'w', 0o600);
  let rows = 0;
  try {
    fs.writeSync(fd, header);
    let chunk = '';
    const emit = (line: string) => {
      chunk += line;
      rows++;
      if (chunk.length > 64 * 1024) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    };
    for (const s of [...sensors].sort((a, b) => a.id - b.id)) await each(s, emit);
    fs.writeSync(fd, chunk);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(partial, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(partial, file);
  return rows;
}
