import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type MetaMessage, NodeAgentConfig, type Reading } from '../../protocol/index.ts';
import type { TransportFactory } from '../agent/board-transport.ts';
import { NodeAgent } from '../agent/node-agent.ts';
import type { LinkyState } from '../virtual/meters/linky-model.ts';
import { type MeterWire, meterWire } from '../virtual/meters/meter-wire.ts';
import { VirtualLinky } from '../virtual/meters/virtual-linky.ts';
import { dayIndex, HOUR, MINUTE } from '../virtual/models/random.ts';
import { VirtualBoard } from '../virtual/virtual-board.ts';
import type { MeterState } from '../virtual/virtual-extensions.ts';
import { historyFor, metaFor } from './backfill.ts';
import { kitPowerW } from './kit-power.ts';
import { linkyOf, linkyRegisterSensors } from './linky-history.ts';
import { type DemoNodePlan, demoPlan } from './plan.ts';

export interface DemoHubAccess {
  ensureHousehold(h: {
    id: string;
    name: string;
    kind: 'household' | 'place';
    sharing: 'private' | 'community' | 'open';
    demo: true;
  }): void;
  /** creates the node or rotates its secret; returns the secret */
  ensureNode(n: { id: string; household: string; name: string; demo: true }): Promise<{ secret: string }>;
  /** true once a backfill has been done */
  hasHistory(): boolean;
  /** submits history to the hub's ingest; resolves once it is stored */
  backfill(meta: MetaMessage, readings: Reading[]): Promise<void>;
  /** after the whole history: the hub finishes what it makes of it, so that its writes end here */
  settle(): Promise<void>;
  /** where a node's live data goes on: its next sequence number, and an energy counter's last total (Wh) */
  resume(node: string, sensor: string): { nextSeq: number; total?: { wh: number; at: number } | undefined };
}

export interface DemoOptions {
  /** number of households, 8 unless said */
  households?: number;
  mqttUrl: string;
  /** the hub's data directory (the demo writes nothing there: its agents' queues are in memory) */
  dataDir: string;
  hub: DemoHubAccess;
  log: (line: string) => void;
  /** live publish interval, s */
  publishIntervalS?: number;
  /** history to backfill on first start, days */
  historyDays?: number;
  clock?: () => number;
  /** a board that lost power: its meter counts from zero (the hub records a counter reset) */
  metersLostCount?: boolean;
}

/**
 * The demo neighbourhood: every household and shared place is a real node agent on a virtual
 * board, logged in to the hub's broker with its own credentials, so the demo exercises the same
 * path as real sensors. On the hub's first start it also writes a few weeks of history from the
 * same models, before the live agents start (a counter's history must precede its live readings).
 * The virtual meters continue from the totals the hub last stored, and the agents from its last
 * sequence numbers: the demo stopping is not a meter event, so the hub records no counter reset for
 * it. The demo runs inside the hub and writes nothing to disk of its own (its agents' queues are in
 * memory): an SD card wears from the hub's own writes only (docs/PERFORMANCE.md).
 */
export class Demo {
  private agents: NodeAgent[] = [];
  /** the virtual Linkys and their wires, stopped after the agents */
  private meters: Array<{ linky: VirtualLinky; wire: MeterWire }> = [];
  private stopped = false;
  private bringUp: Promise<void> = Promise.resolve();

  constructor(private readonly opts: DemoOptions) {}

  /**
   * Provisions every node, then brings them up one by one, each after its own history (on a first
   * start) so a counter's history precedes its live readings. Resolves once the first node is live,
   * so data flows within seconds; the rest follow in the background.
   */
  async start(): Promise<void> {
    const { hub } = this.opts;
    // the Tempo day under way is red in the demo: its Tempo meter says so, so the hub's signal turns
    // red and the hub puts a challenge on it (hub/src/demo-access.ts)
    const redDay = dayIndex((this.opts.clock ?? Date.now)() - 6 * HOUR);
    const plans = demoPlan(this.opts.households ?? 8).map((p) =>
      p.linky?.contract === 'tempo' ? { ...p, linky: { ...p.linky, redDay } } : p,
    );
    const secrets = new Map<string, string>();
    for (const p of plans) {
      hub.ensureHousehold({ ...p.household, demo: true });
      secrets.set(
        p.node,
        (await hub.ensureNode({ id: p.node, household: p.household.id, name: p.nodeName, demo: true }))
          .secret,
      );
    }
    const history = !hub.hasHistory();
    let firstLive: () => void = () => undefined;
    const live = new Promise<void>((resolve) => {
      firstLive = resolve;
    });
    this.bringUp = (async () => {
      const started = Date.now();
      let total = 0;
      for (const p of plans) {
        if (this.stopped) break;
        const ends = new Map<string, { wh: number; at: number }>();
        let linkyEnd: LinkyState | undefined;
        const firstSeq = history
          ? await this.backfill(p, ends, (state) => {
              linkyEnd = state;
            })
          : this.resume(p, ends);
        total += firstSeq ?? 0;
        if (this.stopped) break;
        if (p.linky)
          await this.startLinkyAgent(
            p,
            secrets.get(p.node) ?? '',
            firstSeq,
            linkyEnd ?? this.linkyResumed(p),
          );
        else await this.startAgent(p, secrets.get(p.node) ?? '', firstSeq, ends);
        firstLive();
      }
      if (history && !this.stopped) {
        await this.opts.hub.settle();
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        this.opts.log(`backfilled ${this.days} days of history: ${total} readings in ${secs} s`);
      }
    })().finally(() => firstLive());
    await live;
  }

  private get days(): number {
    return this.opts.historyDays ?? 21;
  }

  private async startAgent(
    p: DemoNodePlan,
    secret: string,
    firstSeq: number | undefined,
    ends: Map<string, { wh: number; at: number }>,
  ): Promise<void> {
    const config = NodeAgentConfig.parse({
      node: p.node,
      secret,
      hub: this.opts.mqttUrl,
      board: { type: 'virtual', model: p.model },
      sensors: p.sensors,
      label: p.nodeName,
      powerW: kitPowerW(p.kit),
      publishIntervalS: this.opts.publishIntervalS ?? 5,
      // the config names a directory, but the demo's agents keep their queues in memory (NodeAgent below)
      queue: { dir: join(this.opts.dataDir, 'demo', p.node), maxReadings: 20_000 },
      // the demo runs inside the hub's process: its clock is the hub's already
      time: false,
    });
    const agent = new NodeAgent({
      config,
      sensors: p.sensors,
      firstSeq,
      createTransport: this.meterBoards(p, ends),
      log: this.opts.log,
    });
    await agent.start();
    this.agents.push(agent);
  }

  /**
   * A household read by its Linky: a virtual meter sending TIC frames down a wire (a socat
   * pseudo-terminal when socat is installed, else an in-process stream), read by an agent whose
   * board is `{"type": "tic"}` like a real one's. Its registers continue the history just written,
   * or the totals the hub last stored.
   */
  private async startLinkyAgent(
    p: DemoNodePlan,
    secret: string,
    firstSeq: number | undefined,
    state: LinkyState | undefined,
  ): Promise<void> {
    const model = linkyOf(p, state);
    const wire = await meterWire(p.node);
    const config = NodeAgentConfig.parse({
      node: p.node,
      secret,
      hub: this.opts.mqttUrl,
      board: { type: 'tic', path: wire.path ?? `${p.node} (in-process)`, mode: 'auto' },
      label: p.nodeName,
      powerW: kitPowerW(p.kit),
      publishIntervalS: this.opts.publishIntervalS ?? 5,
      // the config names a directory, but the demo's agents keep their queues in memory
      queue: { dir: join(this.opts.dataDir, 'demo', p.node), maxReadings: 20_000 },
      // the demo runs inside the hub's process: its clock is the hub's already
      time: false,
    });
    const linky = new VirtualLinky({ model, mode: p.linky?.mode ?? 'historique', wire });
    linky.start();
    this.meters.push({ linky, wire });
    const agent = new NodeAgent({
      config,
      sensors: [],
      firstSeq,
      ...(wire.open ? { openMeterPort: wire.open } : {}),
      log: this.opts.log,
    });
    await agent.start();
    this.agents.push(agent);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.bringUp;
    const agents = this.agents.reverse();
    this.agents = [];
    await Promise.all(agents.map((a) => a.stop()));
    const meters = this.meters.splice(0);
    for (const m of meters) m.linky.stop();
    await Promise.all(meters.map((m) => m.wire.close()));
  }

  /** A Linky's registers as the hub last stored them (a later start), or none (a new meter). */
  private linkyResumed(p: DemoNodePlan): LinkyState | undefined {
    if (this.opts.metersLostCount) return undefined;
    const totals = linkyRegisterSensors(p).map((s) => this.opts.hub.resume(p.node, s).total);
    if (totals.some((t) => t === undefined)) return undefined;
    return {
      registers: totals.map((t) => t?.wh ?? 0),
      at: Math.max(...totals.map((t) => t?.at ?? 0)),
    };
  }

  /** A later start: the hub's last totals and sequence numbers; returns the next sequence number. */
  private resume(p: DemoNodePlan, ends: Map<string, { wh: number; at: number }>): number {
    // a Linky node has no sensors in its plan: its sequence numbers are the node's
    let nextSeq = p.linky ? this.opts.hub.resume(p.node, linkyRegisterSensors(p)[0] ?? '').nextSeq : 0;
    for (const s of p.sensors) {
      // a meter's energy series is `<sensor>-energy` (firmware/agent/drivers/meter-pulses.ts)
      const at = this.opts.hub.resume(p.node, `${s.id}-energy`);
      nextSeq = Math.max(nextSeq, at.nextSeq);
      if (at.total && !this.opts.metersLostCount) ends.set(s.id, at.total);
    }
    return nextSeq;
  }

  /**
   * For a node with a meter: virtual boards that keep its count, from the history just written (first
   * start) or from the hub's last total (later starts), then from one board object to the next.
   */
  private meterBoards(
    p: DemoNodePlan,
    ends: Map<string, { wh: number; at: number }>,
  ): TransportFactory | undefined {
    const meter = p.sensors.find((s) => s.type === 'meter-pulses');
    if (meter?.type !== 'meter-pulses') return undefined;
    const end = ends.get(meter.id);
    const pulses = end && Math.floor((end.wh * meter.impPerKwh) / 1000);
    let kept: MeterState | undefined =
      end && pulses !== undefined
        ? { count: pulses, blinks: pulses, energyWh: end.wh, at: end.at }
        : undefined;
    let board: VirtualBoard | undefined;
    return () => {
      kept = board?.meterState() ?? kept;
      board = new VirtualBoard({ model: p.model, sensors: p.sensors, meter: kept });
      return board;
    };
  }

  /** Writes one node's history; returns the sequence number its live data continues at. */
  private async backfill(
    p: DemoNodePlan,
    ends: Map<string, { wh: number; at: number }>,
    linkyEnd: (state: LinkyState) => void,
  ): Promise<number> {
    const now = (this.opts.clock ?? Date.now)();
    const to = Math.floor(now / MINUTE) * MINUTE;
    const from = to - this.days * 86_400_000;
    const meta = metaFor(p);
    let count = 0;
    for (const chunk of historyFor(p, from, to, 10_000, ends, linkyEnd)) {
      if (this.stopped) break;
      await this.opts.hub.backfill(meta, chunk);
      count += chunk.length;
      // let the hub breathe (HTTP, broker, the nodes already live) between chunks
      await yieldToLoop();
    }
    return count;
  }
}
