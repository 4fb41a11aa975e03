import type {
  HealthBody,
  NodeInfo,
  NodesBody,
  RegisterBody,
  SettingsBody,
} from '../../../../protocol/index.ts';
import { QUANTITIES, seriesName } from '../../../../protocol/index.ts';
import type { HubContext } from '../../context.ts';
import { constantLoadPrice, tariffOnDate } from '../../cost/cost.ts';
import { addDays, LocalClock } from '../../cost/local-time.ts';
import { nodeState } from '../../node-state.ts';
import { isOpenData, isPublicDetail, sharingOf, visibleTo } from '../../privacy.ts';
import type { NodeRow, SensorRow } from '../../store/registry.ts';

/** A reading older than this says nothing about the air now: `last` stays null. */
const LAST_WITHIN_MS = 3 * 3_600_000;

type Latest = Map<number, { ts: number; value: number }>;

/** The latest reading of each gauge sensor among `sensors` (a screen of every place's air in one request). */
function latestOf(ctx: HubContext, sensors: readonly SensorRow[]): Latest {
  const gauges = sensors.filter((s) => QUANTITIES[s.quantity].kind === 'gauge').map((s) => s.id);
  return ctx.store.rollups.latest(gauges, ctx.now() - LAST_WITHIN_MS);
}

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
    clockTrusted: ctx.clock.trusted,
    now: ctx.now(),
  };
}

/** One node as the public sees it: the household is named only when its sharing level allows. */
export function nodeInfo(
  ctx: HubContext,
  row: NodeRow,
  opts: { owner?: boolean; latest?: Latest } = {},
): NodeInfo {
  const h = row.household_id ? ctx.registry.household(row.household_id) : undefined;
  const named = opts.owner || isPublicDetail(h);
  const sensors = ctx.registry.sensorsOf(row.id);
  const latest = named ? (opts.latest ?? latestOf(ctx, sensors)) : new Map();
  const counts = ctx.store.rejections.countsOf(row.id);
  const last: NodeInfo['lastRejections'] = ctx.store.rejections.lastOf(row.id, 5);
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
    boardMessages: row.board_messages
      ? { count: row.board_messages, last: row.last_board_message ?? null }
      : null,
    clockOffsetMs: row.clock_offset_ms ?? null,
    sensors: sensors.map((s) => ({
      id: s.sensor,
      series: seriesName(row.id, s.sensor),
      quantity: s.quantity,
      unit: QUANTITIES[s.quantity].unit,
      sourceUnit: s.unit,
      label: named ? s.label : null,
      last: latest.get(s.id) ?? null,
    })),
  };
}

/**
 * The nodes the public may see: those of households that share. A private household's nodes are
 * only counted (docs/PRIVACY.md): no id, no state, no last-seen time, no counters.
 */
export function nodes(ctx: HubContext): NodesBody {
  const shownRows: NodeRow[] = [];
  const hidden = { households: new Set<string>(), nodes: 0, sensors: 0 };
  for (const row of ctx.registry.listNodes()) {
    const h = row.household_id ? ctx.registry.household(row.household_id) : undefined;
    if (isPublicDetail(h)) {
      shownRows.push(row);
      continue;
    }
    hidden.households.add(row.household_id ?? `node:${row.id}`);
    hidden.nodes++;
    hidden.sensors += ctx.registry.sensorsOf(row.id).length;
  }
  // one look at the latest readings for every node shown, not one per node
  const latest = latestOf(
    ctx,
    shownRows.flatMap((r) => ctx.registry.sensorsOf(r.id)),
  );
  return {
    status: 'ok',
    nodes: shownRows.map((row) => nodeInfo(ctx, row, { latest })),
    private: { households: hidden.households.size, nodes: hidden.nodes, sensors: hidden.sensors },
  };
}

export function register(ctx: HubContext): RegisterBody {
  const settings = ctx.settings.get();
  const entries: RegisterBody['entries'] = [];
  for (const node of ctx.registry.listNodes()) {
    const h = node.household_id ? ctx.registry.household(node.household_id) : undefined;
    const sharing = sharingOf(h);
    const named = isPublicDetail(h);
    for (const s of ctx.registry.sensorsOf(node.id)) {
      // a private sensor is listed (what it measures, for whom, kept how long), never by its ids
      entries.push({
        series: named ? seriesName(node.id, s.sensor) : null,
        node: named ? node.id : null,
        sensor: named ? s.sensor : null,
        quantity: s.quantity,
        unit: QUANTITIES[s.quantity].unit,
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
  const tariffs = ctx.store.tariffs.inForce();
  const today = new LocalClock({ timeZone: s.timeZone }).local(ctx.now()).date;
  const current = tariffOnDate(tariffs, today);
  const colour = (day: string) => ctx.store.tariffs.tempoDay(day)?.colour ?? null;
  return {
    status: 'ok',
    neighbourhood: s.neighbourhood,
    tariff: {
      // to a millionth: a mean of prices, not a price anyone typed
      perKwh: Math.round(constantLoadPrice(current) * 1e6) / 1e6,
      dailyCharge: current.dailyCharge,
      currency: s.currency,
      model: current.model,
    },
    tariffs,
    tempo: { today: colour(today), tomorrow: colour(addDays(today, 1)) },
    timeZone: s.timeZone,
    gridGco2PerKwh: s.gridGco2PerKwh,
    hubPowerW: s.hubPowerW,
    rawRetentionDays: s.rawRetentionDays,
  };
}
