import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { QUANTITIES, type Quantity, type SharingLevel, topics } from '../../../protocol/index.ts';
import { connectNode, sendMeta } from '../../support/mqtt-node.ts';
import type { TestHub } from '../../support/test-hub.ts';

/** The quantities the adversary scenarios use: one additive gauge, one averaged gauge, one counter. */
export type ScenarioQuantity = Extract<Quantity, 'power' | 'temperature' | 'energy'>;

const UNIT: Record<ScenarioQuantity, string> = { power: 'W', temperature: '°C', energy: 'Wh' };

interface Sent {
  ts: number;
  value: number;
}

export interface Member {
  household: string;
  node: string;
  sharing: SharingLevel;
  quantities: ScenarioQuantity[];
  client: MqttClient;
}

/**
 * Households of one scenario, each a real node on the hub's broker (one MQTT login each), and the
 * ground truth of everything they sent: the adversary never reads it, the verdict does.
 */
export class Neighbourhood {
  readonly members = new Map<string, Member>();
  private readonly sent = new Map<string, Sent[]>();
  private seq = 0;

  /**
   * `sharingSince`: when the households that share started sharing (the scenario's past readings
   * were public when they were measured); a precondition set up in the hub's registry.
   */
  constructor(
    private readonly th: TestHub,
    readonly prefix: string,
    private readonly sharingSince = Date.now() - 7 * 86_400_000,
  ) {}

  async add(name: string, sharing: SharingLevel, quantities: ScenarioQuantity[]): Promise<Member> {
    const household = `${this.prefix}${name}`;
    const node = `${household}-node`;
    const { secret } = await this.th.addNode(node, { household, sharing });
    if (sharing !== 'private') this.backdateSharing(household);
    const client = await connectNode(this.th.mqttUrl, node, secret);
    await sendMeta(
      client,
      node,
      quantities.map((q) => ({ id: q, quantity: q, unit: UNIT[q] })),
    );
    const m: Member = { household, node, sharing, quantities, client };
    this.members.set(household, m);
    return m;
  }

  private backdateSharing(household: string): void {
    // a connection of its own, as an admin's sqlite3 shell would write: the registry reads it back
    const db = new Database(this.th.hub.dbFile, { fileMustExist: true });
    try {
      const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sharing_periods'").get();
      if (!has) return;
      db.prepare('UPDATE sharing_periods SET since = ? WHERE household_id = ? AND until IS NULL').run(
        this.sharingSince,
        household,
      );
    } finally {
      db.close();
    }
    this.th.hub.store.registry.load();
  }

  member(name: string): Member {
    const m = this.members.get(`${this.prefix}${name}`) ?? this.members.get(name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  /** Sends readings of one household in one QoS 1 message (acknowledged once committed). */
  async send(name: string, readings: { q: ScenarioQuantity; ts: number; value: number }[]): Promise<void> {
    const m = this.member(name);
    const body = readings.map((r) => ({
      sensor: r.q,
      quantity: r.q,
      unit: UNIT[r.q],
      value: r.value,
      ts: r.ts,
      seq: ++this.seq,
    }));
    for (const r of readings) {
      const key = `${m.household}/${r.q}`;
      const list = this.sent.get(key) ?? [];
      list.push({ ts: r.ts, value: r.value });
      this.sent.set(key, list);
    }
    await m.client.publishAsync(topics.readings(m.node), JSON.stringify({ readings: body }), { qos: 1 });
  }

  async close(): Promise<void> {
    for (const m of this.members.values()) await m.client.endAsync(true).catch(() => {});
  }

  /** Forgets what a household sent (after its erasure, nothing of it is truth any more). */
  forget(name: string): void {
    const m = this.member(name);
    for (const key of [...this.sent.keys()]) if (key.startsWith(`${m.household}/`)) this.sent.delete(key);
  }

  /**
   * What each household put into bucket [start, start + period) of a quantity, as the hub stores it:
   * a gauge's bucket mean per series (summed over the household's series), a counter's deltas.
   */
  contributions(
    q: ScenarioQuantity,
    start: number,
    period: number,
    only?: SharingLevel,
  ): Map<string, number> {
    const out = new Map<string, number>();
    for (const m of this.members.values()) {
      if (only && m.sharing !== only) continue;
      const list = [...(this.sent.get(`${m.household}/${q}`) ?? [])].sort((a, b) => a.ts - b.ts);
      if (QUANTITIES[q].kind === 'counter') {
        let sum = 0;
        let any = false;
        for (let i = 0; i < list.length; i++) {
          const r = list[i] as Sent;
          if (r.ts < start || r.ts >= start + period) continue;
          any = true;
          sum += i === 0 ? 0 : r.value - (list[i - 1] as Sent).value;
        }
        if (any) out.set(m.household, sum);
      } else {
        const inside = list.filter((r) => r.ts >= start && r.ts < start + period);
        if (inside.length > 0) out.set(m.household, inside.reduce((s, r) => s + r.value, 0) / inside.length);
      }
    }
    return out;
  }

  /** The sharing level each household has now. */
  sharingOf(household: string): SharingLevel | undefined {
    return this.members.get(household)?.sharing;
  }

  setSharing(name: string, sharing: SharingLevel): void {
    this.member(name).sharing = sharing;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** The start of an hour `back` hours before the current one: a window no other scenario writes in. */
export function pastHour(back: number, now = Date.now()): number {
  return Math.floor(now / HOUR) * HOUR - back * HOUR;
}
