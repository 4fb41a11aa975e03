import fs from 'node:fs';
import { REJECT_REASONS } from '../../../protocol/index.ts';
import type { BrokerCounters } from '../broker/broker.ts';
import type { HubContext } from '../context.ts';
import { nodeState } from '../node-state.ts';
import { listBackups } from '../store/auto-backup.ts';
import type { IngestTimings } from './histogram.ts';

/** Where the figures not in the store come from, wired by hub.ts (and the offline console). */
export interface MetricsSources {
  timings: IngestTimings;
  broker: () => BrokerCounters | undefined;
  backupsDir: string;
  /** the hub's limits at work (absent offline) */
  limits?: () => LimitCounters;
}

/** What the hub refused to protect itself, since it started. */
export interface LimitCounters {
  /** logins refused without a check: their address failed too often (MQTT and /data.php) */
  throttledLogins: number;
  /** logins refused because too many password checks were waiting (hub/src/store/scrypt-queue.ts) */
  busyPasswordChecks: number;
  liveClients: number;
  refusedLiveClients: number;
}

export interface Sample {
  /** appended to the family's name: `_total`, `_bucket`, `_sum`, `_count` */
  suffix?: string;
  labels?: Record<string, string>;
  value: number;
}

export interface Family {
  /** the family's name, without `_total` for a counter (OpenMetrics adds it to the samples) */
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  /** OpenMetrics unit, when the name ends with it */
  unit?: 'seconds' | 'bytes';
  samples: Sample[];
}

/**
 * The hub's figures for its admins, as metric families: what `/metrics` serves and `status` prints.
 * Only counts over the whole hub — no node id, no household, no reading: nothing the privacy rules
 * withhold from the public can be read here (docs/API.md).
 */
export function collectFigures(ctx: HubContext): Family[] {
  const m = ctx.metrics;
  const now = ctx.now();
  const nodes = ctx.registry.listNodes();
  const states: Record<string, number> = { online: 0, late: 0, offline: 0, never: 0, revoked: 0 };
  let accepted = 0;
  for (const n of nodes) {
    const s = n.revoked_at !== null ? 'revoked' : nodeState(n, now);
    states[s] = (states[s] ?? 0) + 1;
    accepted += n.accepted;
  }
  const rejected = new Map(
    ctx.store.rejections.topReasons(REJECT_REASONS.length).map((r) => [r.reason, r.n]),
  );
  const sizes = ctx.store.sizes();
  const ingest = ctx.ingestState();
  const backups = listBackups(m.backupsDir);
  const newest = backups[0];
  const disk = fs.statfsSync(ctx.dataDir);
  const mem = process.memoryUsage();
  const clock = ctx.clock.state();
  const ntp = ctx.ntp?.();
  const broker = m.broker();
  const families: Family[] = [
    gauge('communs_info', 'the hub version', [{ labels: { version: ctx.version }, value: 1 }]),
    gauge(
      'communs_uptime_seconds',
      'time since the hub started',
      [{ value: (now - ctx.startedAt) / 1000 }],
      'seconds',
    ),
    counter('communs_readings_accepted', 'readings stored since the database was made', [
      { value: accepted },
    ]),
    counter(
      'communs_readings_rejected',
      'messages or readings refused, by reason (docs/PROTOCOL.md)',
      REJECT_REASONS.map((reason) => ({ labels: { reason }, value: rejected.get(reason) ?? 0 })),
    ),
    gauge('communs_ingest_pending', 'readings waiting for the next group commit', [
      { value: ingest.pending },
    ]),
    gauge(
      'communs_nodes',
      'nodes by state',
      Object.entries(states).map(([state, value]) => ({ labels: { state }, value })),
    ),
    gauge('communs_households', 'households and shared places', [
      { value: ctx.registry.listHouseholds().length },
    ]),
    histogram('communs_commit_duration_seconds', 'time to write one group commit', m.timings.commit),
    histogram('communs_sync_duration_seconds', 'time to sync the WAL after a commit', m.timings.sync),
    gauge('communs_database_bytes', 'size of communs.db', [{ value: sizes.db }], 'bytes'),
    gauge('communs_wal_bytes', 'size of its write-ahead log', [{ value: sizes.wal }], 'bytes'),
    gauge('communs_backups', 'complete backups in the data directory', [{ value: backups.length }]),
    gauge(
      'communs_last_backup_timestamp_seconds',
      'when the newest backup was written (0: none)',
      [{ value: newest ? Math.floor(fs.statSync(newest).mtimeMs / 1000) : 0 }],
      'seconds',
    ),
    gauge(
      'communs_disk_free_bytes',
      'space left for the data directory',
      [{ value: disk.bavail * disk.bsize }],
      'bytes',
    ),
    gauge(
      'communs_disk_size_bytes',
      'size of the data directory file system',
      [{ value: disk.blocks * disk.bsize }],
      'bytes',
    ),
    gauge(
      'process_resident_memory_bytes',
      'resident memory of the hub process',
      [{ value: mem.rss }],
      'bytes',
    ),
    gauge('nodejs_heap_used_bytes', 'JavaScript heap in use', [{ value: mem.heapUsed }], 'bytes'),
    gauge('communs_clock_trusted', '1 when the hub trusts its clock; 0 while readings are held', [
      { value: clock.trusted ? 1 : 0 },
    ]),
    gauge(
      'communs_clock_offset_seconds',
      "what `time set` added to the machine's clock",
      [{ value: clock.offsetMs / 1000 }],
      'seconds',
    ),
  ];
  if (ntp?.counters) {
    const c = ntp.counters;
    families.push(
      counter('communs_ntp_requests', 'SNTP requests, by answer', [
        { labels: { answer: 'time' }, value: c.answered },
        { labels: { answer: 'unsynchronised' }, value: c.unsynchronised },
        { labels: { answer: 'ignored' }, value: c.ignored },
      ]),
    );
  }
  const limits = m.limits?.();
  if (limits) {
    families.push(
      counter('communs_logins_throttled', 'logins refused unchecked: too many failures from their address', [
        { value: limits.throttledLogins },
      ]),
      counter('communs_password_checks_busy', 'logins refused: too many password checks waiting', [
        { value: limits.busyPasswordChecks },
      ]),
      gauge('communs_live_clients', 'SSE clients on /api/live', [{ value: limits.liveClients }]),
      counter('communs_live_clients_refused', 'SSE clients refused: as many as the hub serves', [
        { value: limits.refusedLiveClients },
      ]),
    );
  }
  if (broker) {
    families.push(
      counter('communs_mqtt_connections', 'MQTT connections accepted since the hub started', [
        { value: broker.connections },
      ]),
      counter('communs_mqtt_refused_logins', 'MQTT logins refused', [{ value: broker.refusedLogins }]),
      counter('communs_mqtt_guard_rejections', 'MQTT connections cut by the packet guard', [
        { value: broker.guardRejections },
      ]),
      counter('communs_mqtt_denied_topics', 'publishes and subscriptions outside a node’s topics', [
        { value: broker.deniedTopics },
      ]),
      counter(
        'communs_mqtt_refused_client_ids',
        'MQTT logins with a client id not their node’s (CONNACK 2)',
        [{ value: broker.refusedClientIds }],
      ),
      counter('communs_mqtt_refused_subscriptions', 'subscriptions past the most one client may hold', [
        { value: broker.refusedSubscriptions },
      ]),
    );
  }
  return families;
}

function gauge(name: string, help: string, samples: Sample[], unit?: Family['unit']): Family {
  return { name, type: 'gauge', help, samples, ...(unit ? { unit } : {}) };
}

function counter(name: string, help: string, samples: Sample[]): Family {
  return { name, type: 'counter', help, samples: samples.map((s) => ({ ...s, suffix: '_total' })) };
}

function histogram(name: string, help: string, h: IngestTimings['commit']): Family {
  const snap = h.snapshot();
  return {
    name,
    type: 'histogram',
    help,
    unit: 'seconds',
    samples: [
      ...snap.buckets.map(([le, value]) => ({ suffix: '_bucket', labels: { le: String(le) }, value })),
      { suffix: '_bucket', labels: { le: '+Inf' }, value: snap.count },
      { suffix: '_sum', value: snap.sum },
      { suffix: '_count', value: snap.count },
    ],
  };
}
