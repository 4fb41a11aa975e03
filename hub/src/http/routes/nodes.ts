import type {
  HealthBody,
  NodeInfo,
  NodesBody,
  RegisterBody,
  SettingsBody,
} from '../../../../protocol/index.ts';
import { seriesName } from '../../../../protocol/index.ts';
import type { HubContext } from '../../context.ts';
import { nodeState } from '../../node-state.ts';
import { isOpenData, isPublicDetail, sharingOf, visibleTo } from '../../privacy.ts';
import type { Db, Statement } from '../../store/db.ts';
import type { NodeRow } from '../../store/registry.ts';

export function health(ctx: HubContext): HealthBody {
  const ingest = ctx.ingestState();
  return {
    status: 'ok',
    version: ctx.version,
    uptimeS: Math.round((ctx.now() - ctx.startedAt) / 1000),
    nodes: ctx.registry.listNodes().length,
    pending: ingest.pending,
    lastCommitTs: ingest.lastCommitTs,
    neighbourhood: ctx.settings.get().neighbourhood,
    notices: [...ctx.notices],
  };
}

/** The rejection look-ups of nodeInfo, compiled once per database rather than per node and request. */
const rejectionStatements = new WeakMap<Db, { counts: Statement; last: Statement }>();

function rejectionQueries(db: Db): { counts: Statement; last: Statement } {
  let stmts = rejectionStatements.get(db);
  if (!stmts) {
    stmts = {
      counts: db.prepare('SELECT reason, count FROM rejection_counts WHERE node_id = ?'),
      last: db.prepare(
        'SELECT ts, reason, detail FROM rejections WHERE node_id = ? ORDER BY id DESC LIMIT 5',
      ),
    };
    rejectionStatements.set(db, stmts);
  }
  return stmts;
}

/** One node as the public sees it: the household is named only when its sharing level allows. */
export function nodeInfo(ctx: HubContext, row: NodeRow, opts: { owner?: boolean } = {}): NodeInfo {
  const h = row.household_id ? ctx.registry.household(row.household_id) : undefined;
  const named = opts.owner || isPublicDetail(h);
  const queries = rejectionQueries(ctx.db);
  const counts = queries.counts.all(row.id) as { reason: string; count: number }[];
  const last = queries.last.all(row.id) as NodeInfo['lastRejections'];
  return {
    id: row.id,
    name: named ? row.name : row.id,
    household: h && named ? { id: h.id, name: h.name, kind: h.kind } : null,
    sharing: sharingOf(h),
    demo: row.demo === 1,
    board: row.board,
    state: nodeState(row, ctx.now()),
    lastSeen: row.last_seen,
    accepted: row.accepted,
    rejected: row.rejected,
    gaps: row.gaps,
    rejectedByReason: Object.fromEntries(counts.map((c) => [c.reason, c.count])),
    lastRejections: last,
    rssi: row.rssi,
    battery: row.battery,
    powerW: row.power_w,
    sensors: ctx.registry.sensorsOf(row.id).map((s) => ({
      id: s.sensor,
      series: seriesName(row.id, s.sensor),
      quantity: s.quantity,
      unit: s.unit,
      label: named ? s.label : null,
      last: named ? (ctx.latestReading?.(s.id) ?? null) : null,
    })),
  };
}

export function nodes(ctx: HubContext): NodesBody {
  return { status: 'ok', nodes: ctx.registry.listNodes().map((row) => nodeInfo(ctx, row)) };
}

export function register(ctx: HubContext): RegisterBody {
  const settings = ctx.settings.get();
  const entries: RegisterBody['entries'] = [];
  for (const node of ctx.registry.listNodes()) {
    const h = node.household_id ? ctx.registry.household(node.household_id) : undefined;
    const sharing = sharingOf(h);
    for (const s of ctx.registry.sensorsOf(node.id)) {
      entries.push({
        series: seriesName(node.id, s.sensor),
        node: node.id,
        sensor: s.sensor,
        quantity: s.quantity,
        unit: s.unit,
        label: isPublicDetail(h) ? s.label : null,
        household: h && isPublicDetail(h) ? h.name : null,
        sharing,
        rawRetentionDays: settings.rawRetentionDays,
        visibleTo: visibleTo(sharing),
        inOpenData: isOpenData(h),
      });
    }
  }
  return {
    status: 'ok',
    neighbourhood: settings.neighbourhood,
    statement:
      'This data never leaves the hub: it is stored on this machine, shown here, and exported only as its households allow.',
    entries,
  };
}

export function settings(ctx: HubContext): SettingsBody {
  const s = ctx.settings.get();
  return {
    status: 'ok',
    neighbourhood: s.neighbourhood,
    tariff: { perKwh: s.tariffPerKwh, dailyCharge: s.tariffDailyCharge, currency: s.currency },
    gridGco2PerKwh: s.gridGco2PerKwh,
    hubPowerW: s.hubPowerW,
    rawRetentionDays: s.rawRetentionDays,
  };
}
