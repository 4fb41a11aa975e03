import type { MetaMessage, Reading } from '../../../protocol/index.ts';
import type { DeviceFormat } from '../../../protocol/interop/device.ts';
import { FEDERATION_ROOT } from '../../../protocol/interop/federation.ts';
import {
  ForeignDiscovery,
  HA_PREFIX,
  HA_STATE_ROOT,
  HA_STATUS_TOPIC,
} from '../../../protocol/interop/home-assistant.ts';
import { topics } from '../../../protocol/topics.ts';
import { filterWithin, topicMatches } from '../broker/acl.ts';
import { parseJsonPayload } from '../ingest/payload.ts';
import type { Submission } from '../ingest/submission.ts';
import type { Rejected } from '../ingest/validate.ts';
import type { DeviceRow, DeviceStore } from '../store/device-store.ts';
import type { Registry } from '../store/registry.ts';
import type { Adapter, AdapterResult } from './adapter.ts';
import { emonhub } from './emonhub.ts';
import { esphome } from './esphome.ts';
import { tasmota } from './tasmota.ts';

const ADAPTERS: Partial<Record<DeviceFormat, Adapter>> = { tasmota, esphome, emonhub };

/** Where each firmware sets the topic the hub knows it by. */
const TOPIC_SETTING: Partial<Record<DeviceFormat, string>> = {
  tasmota: 'Topic (Tasmota console)',
  esphome: 'topic_prefix (ESPHome YAML)',
  emonhub: 'node name (emonhub.conf)',
};

export interface InteropRouterOptions {
  devices: DeviceStore;
  registry: Registry;
  /** the one way into the store (IngestPipeline.submit) */
  submit: (submission: Submission, done: (err?: Error) => void) => void;
  /** the neighbourhood's time zone, for device clocks without an offset (read at each message) */
  timeZone: () => string;
  now?: () => number;
  /** `homeassistant/status` from a resident's Home Assistant */
  onHaStatus: (payload: string) => void;
  /** an aggregate a peer hub published here; returns why it was refused, if it was */
  onFederation: (node: string, topic: string, payload: Buffer) => Rejected | undefined;
}

/**
 * Topics of foreign devices: which a device may use (its own, by format and device topic) and how
 * its messages reach the native pipeline. The broker asks `handles(node)` first; a native node never
 * gets here. An adapter's result is submitted like a native node's message: validate → normalise →
 * group commit (acknowledged once durable) → counters through the counter guard → live.
 */
export class InteropRouter {
  private readonly opts: InteropRouterOptions;
  private readonly now: () => number;
  private readonly seqs = new Map<string, number>();

  constructor(opts: InteropRouterOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  handles(node: string): boolean {
    return this.opts.devices.format(node) !== undefined;
  }

  mayPublish(node: string, topic: string): boolean {
    const device = this.opts.devices.get(node);
    return device !== undefined && publishFilters(device).some((f) => topicMatches(f, topic));
  }

  maySubscribe(node: string, filter: string): boolean {
    const device = this.opts.devices.get(node);
    if (!device || filter.startsWith('$')) return false;
    return subscribeFilters(device).some((a) => filterWithin(filter, a));
  }

  /**
   * A Home Assistant login subscribes to `homeassistant/#`, where devices' own discovery configs
   * (ESPHome's) also land: it receives only the hub's configs and `homeassistant/status`, so it
   * learns nothing of other households' devices.
   */
  mayReceive(node: string, topic: string): boolean {
    if (this.opts.devices.get(node)?.format !== 'homeassistant' || !topic.startsWith(`${HA_PREFIX}/`))
      return true;
    return topic === HA_STATUS_TOPIC || /^homeassistant\/[a-z_]+\/communs_[^/]+\/config$/.test(topic);
  }

  /** A publish from a logged-in foreign device; `done` acknowledges it (after commit). */
  publish(node: string, topic: string, payload: Buffer, done: (err?: Error) => void): void {
    const device = this.opts.devices.get(node);
    if (!device || !publishFilters(device).some((f) => topicMatches(f, topic))) {
      // the connection is closed (MQTT 3.1.1 has no way to refuse one PUBLISH); the refusal stays
      // on the device, with its fix, for the admin who wonders why it keeps reconnecting
      if (device) this.refuse(device, topic);
      return done(new Error(`${node} may not publish to ${topic}`));
    }
    this.route(device, topic, payload, done, true);
  }

  private refuse(device: DeviceRow, topic: string): void {
    const setting = TOPIC_SETTING[device.format] ?? 'topic';
    const detail = `may not publish to ${topic.slice(0, 80)}: it was provisioned with --topic ${device.topic ?? '(none)'}; set its ${setting} to that, or provision it again with the one it uses`;
    this.opts.submit({ node: device.node, rejections: [{ reason: 'topic_denied', detail }] }, () => {});
  }

  /**
   * The device a topic belongs to, for ingest from an external broker (which did the ACL). An
   * ESPHome discovery config is placed by its node name, or by the state topic inside it.
   */
  deviceForTopic(topic: string, payload?: Buffer): DeviceRow | undefined {
    const levels = topic.split('/');
    const candidates: Array<[DeviceFormat, string | undefined]> = [
      ['tasmota', levels[1]],
      ['emonhub', levels[1]],
      ['peer', topic.startsWith(FEDERATION_ROOT) ? levels[3] : undefined],
    ];
    for (const [format, t] of candidates) {
      const device = t ? this.opts.devices.byTopic(format, t) : undefined;
      if (device && publishFilters(device).some((f) => topicMatches(f, topic))) return device;
    }
    if (levels[0] !== HA_PREFIX) return this.esphomeFor(levels);
    const name = levels.length === 5 ? levels[2] : undefined;
    const esphome = this.opts.devices.ofFormat('esphome');
    const named = esphome.find((d) => name !== undefined && (d.config.nodeName ?? d.topic) === name);
    if (named || !payload?.length) return named;
    const state = stateTopicOf(payload);
    return state ? this.esphomeFor(state.split('/')) : undefined;
  }

  /** The ESPHome device whose topic prefix is the longest one the topic starts with. */
  private esphomeFor(levels: string[]): DeviceRow | undefined {
    const all = this.opts.devices.ofFormat('esphome');
    let best: DeviceRow | undefined;
    for (const d of all) {
      const prefix = (d.topic ?? '').split('/');
      const under = prefix.every((level, i) => levels[i] === level) && levels.length > prefix.length;
      if (under && (!best || prefix.length > (best.topic ?? '').split('/').length)) best = d;
    }
    return best;
  }

  /** `live`: the device published to the hub itself, so its message cannot be a late delivery. */
  route(device: DeviceRow, topic: string, payload: Buffer, done: (err?: Error) => void, live = false): void {
    if (device.format === 'homeassistant') {
      this.opts.onHaStatus(payload.toString('utf8').trim());
      return done();
    }
    if (device.format === 'peer') {
      const rejected = this.opts.onFederation(device.node, topic, payload);
      return this.opts.submit({ node: device.node, rejections: rejected ? [rejected] : [] }, done);
    }
    const adapter = ADAPTERS[device.format];
    const now = this.now();
    const result = adapter?.map({ topic, payload, device, now, timeZone: this.opts.timeZone(), live });
    // a topic of the device with nothing to store (INFO, RESULT, debug): accepted, not counted
    if (!result) return done();
    this.ingest(device, result, done);
  }

  /** Submits an adapter's result to ingest; also the airrohr HTTP route's way in. */
  ingest(device: DeviceRow, result: AdapterResult, done: (err?: Error) => void): void {
    if (result.learned) this.opts.devices.mapSensors(device.node, result.learned);
    if (result.nodeName) this.opts.devices.setNodeName(device.node, result.nodeName);
    const readings: Reading[] = result.readings.map((r) => ({ ...r, seq: this.nextSeq(device.node) }));
    this.opts.submit(
      {
        node: device.node,
        meta: this.declared(device, result),
        status: result.status,
        readings,
        rejections: result.rejections,
      },
      done,
    );
  }

  /**
   * The sensors a message shows that the device has not declared yet (or now declares as a part of
   * another), and a meter whose description changed (Tasmota's TIC block), as a native meta message.
   */
  private declared(device: DeviceRow, result: AdapterResult): MetaMessage | undefined {
    const { registry } = this.opts;
    const fresh = result.meta.filter((m) => {
      const known = registry.sensor(device.node, m.id);
      return known?.quantity !== m.quantity || (known.part_of ?? undefined) !== m.partOf;
    });
    const meter =
      result.meter && registry.meters.differs(device.node, result.meter) ? result.meter : undefined;
    if (fresh.length === 0 && !meter) return undefined;
    const node = registry.node(device.node);
    return {
      node: device.node,
      board: node?.board ?? device.format,
      ...(node?.firmware ? { firmware: node.firmware } : {}),
      ...(node?.kit ? { kit: node.kit } : {}),
      ...(node?.power_w != null ? { powerW: node.power_w } : {}),
      sensors: fresh,
      ...(meter ? { meter } : {}),
    };
  }

  /** Foreign firmware numbers nothing: the hub counts per device, continuing after a restart. */
  private nextSeq(node: string): number {
    const next = (this.seqs.get(node) ?? this.opts.registry.node(node)?.max_seq ?? 0) + 1;
    this.seqs.set(node, next);
    return next;
  }
}

/** The state topic a discovery config names, if it is readable. */
function stateTopicOf(payload: Buffer): string | undefined {
  const parsed = parseJsonPayload(payload);
  const config = parsed.ok ? ForeignDiscovery.safeParse(parsed.value) : undefined;
  return config?.success ? config.data.stateTopic : undefined;
}

function publishFilters(d: DeviceRow): string[] {
  if (d.format === 'homeassistant') return [HA_STATUS_TOPIC];
  if (d.format === 'peer') return d.topic ? [`${FEDERATION_ROOT}${d.topic}/+`] : [];
  const adapter = ADAPTERS[d.format];
  return adapter && d.topic ? adapter.publishFilters(d.topic) : [];
}

function subscribeFilters(d: DeviceRow): string[] {
  // the signal's discovery config reads its state and attributes from the retained signal itself
  if (d.format === 'homeassistant') return [`${HA_PREFIX}/#`, `${HA_STATE_ROOT}#`, topics.publicSignal];
  if (d.format === 'peer') return [`${FEDERATION_ROOT}#`];
  const adapter = ADAPTERS[d.format];
  return adapter && d.topic ? adapter.subscribeFilters(d.topic) : [];
}
