import fs from 'node:fs';
import path from 'node:path';
import { isOpenData } from '../privacy.ts';
import { exportFile } from '../store/csv-export.ts';
import { audit, type Command, CommandError } from './command.ts';
import { formatBytes, formatDuration, formatTime } from './format.ts';

/** A backup prints a progress line at most this often (a dumb terminal at 115200 baud keeps up). */
const PROGRESS_EVERY_MS = 1000;

function cutoff(ctxNow: number, days: number): number {
  return ctxNow - days * 86_400_000;
}

export const retentionShow: Command = {
  name: 'retention',
  usage: 'retention',
  summary: 'how long each kind of data is kept, the next purge and what it will remove',
  run(ctx, _args, io) {
    const days = ctx.settings.get().rawRetentionDays;
    const before = cutoff(ctx.now(), days);
    const due = ctx.store.expired.count(before);
    io.out('kind of data        kept');
    io.out(`raw readings        ${days} days   ("retention set raw DAYS")`);
    io.out('rollups             for good (minute, hour, day: what charts and history read)');
    io.out('rejections          the last 20 of each node, and counts by reason');
    io.out('audit log           3 years; erasures for good');
    const next = ctx.nextPurge();
    io.out(
      `next purge          ${next === null ? 'when the hub runs (it is not running)' : formatTime(next)}`,
    );
    io.out(`it will remove      ${due} raw readings older than ${formatTime(before)}`);
    return 0;
  },
};

export const retentionSet: Command = {
  name: 'retention set',
  usage: 'retention set raw DAYS',
  summary: 'set how many days raw readings are kept (1 to 3650)',
  run(ctx, { positionals }, io) {
    const [kind, raw] = positionals;
    if (kind === 'rollups')
      throw new CommandError('rollups are kept for good (docs/DATA.md): only "raw" retention can be set');
    if (kind !== 'raw') throw new CommandError(`unknown kind "${kind ?? ''}" — usage: ${this.usage}`);
    const days = Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > 3650)
      throw new CommandError(`DAYS must be a whole number from 1 to 3650, got "${raw ?? ''}"`);
    const previous = ctx.settings.get().rawRetentionDays;
    ctx.settings.set('rawRetentionDays', days);
    audit(ctx, io, `retention set raw ${previous} -> ${days} days`);
    const due = ctx.store.expired.count(cutoff(ctx.now(), days));
    io.out(`raw readings are now kept ${days} days (were ${previous}).`);
    io.out(
      `The next purge removes ${due} raw readings; rollups stay. Late readings older than the old limit`,
    );
    io.out('are accepted up to it until the hub restarts.');
    return 0;
  },
};

export const exportOpen: Command = {
  name: 'export',
  usage: 'export [--from TIME] [--to TIME]',
  summary: 'write the open data (households sharing "open") to a CSV file in the data directory',
  options: { from: { type: 'string' }, to: { type: 'string' } },
  async run(ctx, { values }, io) {
    const time = (name: string, fallback: number) => {
      const raw = values[name] as string | undefined;
      if (raw === undefined) return fallback;
      const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
      if (!Number.isFinite(t))
        throw new CommandError(`--${name} must be an ISO 8601 time or epoch ms, got "${raw}"`);
      return t;
    };
    const to = time('to', ctx.now() + 1);
    const from = time('from', 0);
    if (from >= to) throw new CommandError('--from must be before --to');
    const sensors = ctx.registry.allSensors().filter((s) => isOpenData(ctx.registry.householdOfSensor(s.id)));
    const file = exportFile(ctx.dataDir, 'open-data', ctx.now());
    const rows = await ctx.store.writeReadingsCsv(sensors, file, { from, to });
    audit(ctx, io, `export open data (${rows} readings)`);
    io.out(`${rows} readings of ${sensors.length} open series -> ${path.relative(ctx.dataDir, file)}`);
    io.out(`(in ${ctx.dataDir}; the same data as GET /api/export)`);
    return 0;
  },
};

export const backup: Command = {
  name: 'backup',
  usage: 'backup [FILE]',
  summary: 'a consistent copy of the database while the hub runs (default: backups/ in the data dir)',
  async run(ctx, { positionals }, io) {
    const stamp = new Date(ctx.now()).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    const file = path.resolve(ctx.dataDir, positionals[0] ?? path.join('backups', `communs-${stamp}.db`));
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const started = ctx.now();
    let lastLine = started;
    const result = await ctx.store
      .backup(file, (p) => {
        const now = ctx.now();
        if (now - lastLine < PROGRESS_EVERY_MS || p.remainingPages === 0) return;
        lastLine = now;
        const done = p.totalPages - p.remainingPages;
        io.out(`backup: ${Math.floor((100 * done) / p.totalPages)}% (${done}/${p.totalPages} pages)`);
      })
      .catch((err: Error) => {
        throw new CommandError(`backup failed: ${err.message}`);
      });
    audit(ctx, io, `backup -> ${file}`);
    io.out(
      `backup written: ${file} (${formatBytes(result.bytes)}, ${result.pages} pages, ${formatDuration(ctx.now() - started)})`,
    );
    io.out('Restore: stop the hub, copy it over communs.db in the data directory, start the hub.');
    return 0;
  },
};
