import { collectFigures, type Family } from '../metrics/hub-figures.ts';
import type { AuditEntry } from '../store/audit-log.ts';
import { PERIODS } from '../store/rollup.ts';
import type { Command, CommandIO } from './command.ts';
import { CommandError } from './command.ts';
import { formatBytes, formatDuration, formatTime } from './format.ts';

function printAudit(io: CommandIO, rows: AuditEntry[]): void {
  for (const r of rows) io.out(`  ${formatTime(r.ts)}  ${r.who.padEnd(24)} ${r.what}`);
}

/** The value of a metric family's sample (hub/src/metrics/hub-figures.ts), by suffix and labels. */
function value(
  families: Family[],
  name: string,
  labels: Record<string, string> = {},
  suffix?: string,
): number {
  const f = families.find((x) => x.name === name);
  const s = f?.samples.find(
    (x) =>
      (suffix === undefined || x.suffix === suffix) &&
      Object.entries(labels).every(([k, v]) => x.labels?.[k] === v),
  );
  return s?.value ?? 0;
}

function mean(families: Family[], name: string): string {
  const n = value(families, name, {}, '_count');
  return n === 0
    ? 'none yet'
    : `${((value(families, name, {}, '_sum') / n) * 1000).toFixed(1)} ms on average over ${n}`;
}

export const status: Command = {
  name: 'status',
  usage: 'status',
  summary: 'uptime, nodes, readings, rejections, storage, backups, clock, NTP, memory, notices, audit',
  run(ctx, _args, io) {
    const now = ctx.now();
    // the same figures /metrics serves (docs/API.md), in sentences
    const f = collectFigures(ctx);
    const states = Object.fromEntries(
      ['online', 'late', 'offline', 'never', 'revoked'].map((s) => [
        s,
        value(f, 'communs_nodes', { state: s }),
      ]),
    );
    const total = Object.values(states).reduce((a, b) => a + b, 0);
    const day = Math.floor(now / PERIODS.day) * PERIODS.day;
    // today's count comes from the day rollups: a few rows a series instead of a scan of the readings
    const today = ctx.store.rollups.bucketCount(PERIODS.day, day);
    const rejections = (f.find((x) => x.name === 'communs_readings_rejected')?.samples ?? [])
      .filter((x) => x.value > 0)
      .sort((a, b) => b.value - a.value);
    const rejected = rejections.reduce((sum, x) => sum + x.value, 0);
    const settings = ctx.settings.get();
    const ingest = ctx.ingestState();
    const clock = ctx.clock.state();
    const ntp = ctx.ntp?.();
    const lastBackup = value(f, 'communs_last_backup_timestamp_seconds');
    io.out(`Communs hub ${ctx.version} — ${settings.neighbourhood}`);
    io.out(`  uptime      ${formatDuration(now - ctx.startedAt)}`);
    io.out(
      `  nodes       ${total}: ${states.online} online, ${states.late} late, ${states.offline} offline, ${states.never} never seen, ${states.revoked} revoked`,
    );
    io.out(`  households  ${value(f, 'communs_households')}`);
    io.out(
      `  readings    ${today} today (UTC), ${value(f, 'communs_readings_accepted')} in all, ${ingest.pending} waiting, last commit ${formatTime(ingest.lastCommitTs)}`,
    );
    io.out(
      `  rejections  ${rejected}${rejections.length ? ` (${rejections.map((r) => `${r.labels?.reason} ${r.value}`).join(', ')})` : ''}`,
    );
    io.out(
      `  commits     ${mean(f, 'communs_commit_duration_seconds')}; WAL sync ${mean(f, 'communs_sync_duration_seconds')}`,
    );
    io.out(
      `  database    ${formatBytes(value(f, 'communs_database_bytes'))} + WAL ${formatBytes(value(f, 'communs_wal_bytes'))}; disk ${formatBytes(value(f, 'communs_disk_free_bytes'))} free of ${formatBytes(value(f, 'communs_disk_size_bytes'))}`,
    );
    io.out(
      `  backups     ${value(f, 'communs_backups')}${lastBackup ? `, newest ${formatTime(lastBackup * 1000)}` : ''} (in ${ctx.metrics.backupsDir})`,
    );
    io.out(
      `  retention   raw readings ${settings.rawRetentionDays} days, rollups kept; next purge ${formatTime(ctx.nextPurge())}`,
    );
    io.out(
      `  memory      ${formatBytes(value(f, 'process_resident_memory_bytes'))} resident, ${formatBytes(value(f, 'nodejs_heap_used_bytes'))} heap`,
    );
    io.out(
      `  clock       ${formatTime(clock.now)}, ${clock.trusted ? 'trusted' : 'NOT trusted: readings are held ("time set")'}${clock.offsetMs ? `; set ${formatDuration(Math.abs(clock.offsetMs))} ${clock.offsetMs > 0 ? 'ahead of' : 'behind'} the machine's clock` : ''}`,
    );
    if (ntp) {
      io.out(
        ntp.port === null
          ? `  ntp         off: ${ntp.off}`
          : `  ntp         udp port ${ntp.port}: ${value(f, 'communs_ntp_requests', { answer: 'time' })} answered, ${value(f, 'communs_ntp_requests', { answer: 'unsynchronised' })} told to wait, ${value(f, 'communs_ntp_requests', { answer: 'ignored' })} ignored`,
      );
    }
    if (f.some((x) => x.name === 'communs_mqtt_connections')) {
      io.out(
        `  mqtt        ${value(f, 'communs_mqtt_connections')} connections since start; refused logins ${value(f, 'communs_mqtt_refused_logins')}, cut by the guard ${value(f, 'communs_mqtt_guard_rejections')}, denied topics ${value(f, 'communs_mqtt_denied_topics')}`,
      );
    }
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
