import fs from 'node:fs';
import { nodeState } from '../node-state.ts';
import type { AuditEntry } from '../store/audit-log.ts';
import { PERIODS } from '../store/rollup.ts';
import type { Command, CommandIO } from './command.ts';
import { CommandError } from './command.ts';
import { formatBytes, formatDuration, formatTime } from './format.ts';

function printAudit(io: CommandIO, rows: AuditEntry[]): void {
  for (const r of rows) io.out(`  ${formatTime(r.ts)}  ${r.who.padEnd(24)} ${r.what}`);
}

export const status: Command = {
  name: 'status',
  usage: 'status',
  summary: 'uptime, nodes, readings today, rejections, storage, retention, memory, notices, audit',
  run(ctx, _args, io) {
    const now = ctx.now();
    const nodes = ctx.registry.listNodes();
    const states = { online: 0, late: 0, offline: 0, never: 0, revoked: 0 };
    for (const n of nodes) states[n.revoked_at !== null ? 'revoked' : nodeState(n, now)]++;
    const day = Math.floor(now / PERIODS.day) * PERIODS.day;
    // today's count comes from the day rollups: a few rows a series instead of a scan of the readings
    const today = ctx.store.rollups.bucketCount(PERIODS.day, day);
    const rejected = nodes.reduce((sum, n) => sum + n.rejected, 0);
    const byReason = ctx.store.rejections.topReasons(4);
    const sizes = ctx.store.sizes();
    const dbBytes = sizes.db + sizes.wal;
    const disk = fs.statfsSync(ctx.dataDir);
    const mem = process.memoryUsage();
    const settings = ctx.settings.get();
    const ingest = ctx.ingestState();
    io.out(`Communs hub ${ctx.version} — ${settings.neighbourhood}`);
    io.out(`  uptime      ${formatDuration(now - ctx.startedAt)}`);
    io.out(
      `  nodes       ${nodes.length}: ${states.online} online, ${states.late} late, ${states.offline} offline, ${states.never} never seen, ${states.revoked} revoked`,
    );
    io.out(`  households  ${ctx.registry.listHouseholds().length}`);
    io.out(
      `  readings    ${today} today (UTC), ${ingest.pending} waiting, last commit ${formatTime(ingest.lastCommitTs)}`,
    );
    io.out(
      `  rejections  ${rejected}${byReason.length ? ` (${byReason.map((r) => `${r.reason} ${r.n}`).join(', ')})` : ''}`,
    );
    io.out(
      `  database    ${formatBytes(dbBytes)}; disk ${formatBytes(disk.bavail * disk.bsize)} free of ${formatBytes(disk.blocks * disk.bsize)}`,
    );
    io.out(
      `  retention   raw readings ${settings.rawRetentionDays} days, rollups kept; next purge ${formatTime(ctx.nextPurge())}`,
    );
    io.out(`  memory      ${formatBytes(mem.rss)} resident, ${formatBytes(mem.heapUsed)} heap`);
    for (const n of ctx.notices) io.out(`  notice      ${n}`);
    const recent = ctx.store.audit.last(5);
    if (recent.length) {
      io.out('recent changes ("audit" shows more):');
      printAudit(io, recent);
    }
    return 0;
  },
};

export const auditLog: Command = {
  name: 'audit',
  usage: 'audit [--limit N]',
  summary: 'the audit log: every change made from a console, who made it and when',
  options: { limit: { type: 'string' } },
  run(ctx, { values }, io) {
    const limit = Number(values.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new CommandError(`--limit must be a whole number from 1 to 10000, got "${values.limit}"`);
    const rows = ctx.store.audit.last(limit);
    if (rows.length === 0) {
      io.out('the audit log is empty: no change has been made from a console yet.');
      return 0;
    }
    io.out(`last ${rows.length} change(s), oldest first:`);
    printAudit(io, rows);
    return 0;
  },
};
