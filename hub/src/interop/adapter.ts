import type {
  MeterDescription,
  Quantity,
  SensorDescription,
  StatusMessage,
} from '../../../protocol/index.ts';
import type { SensorMapping } from '../../../protocol/interop/device.ts';
import type { Rejected } from '../ingest/validate.ts';
import type { DeviceRow } from '../store/device-store.ts';

/** A reading as a foreign message gives it: no sequence number yet (the hub assigns one per device). */
export interface ForeignReading {
  sensor: string;
  quantity: Quantity;
  unit: string;
  /** null when the device sent no usable number: rejected later as `not_finite` */
  value: number | null;
  ts: number;
}

/** What an adapter makes of one foreign message, in the native readings model. */
export interface AdapterResult {
  /** the sensors the message implies, declared like a native node's meta message */
  meta: SensorDescription[];
  readings: ForeignReading[];
  rejections: Rejected[];
  status?: StatusMessage;
  /** key mappings learned from the device's own discovery message (ESPHome) */
  learned?: Record<string, SensorMapping>;
  /** a utility meter the device reads (Tasmota's TIC block): its contract */
  meter?: MeterDescription;
  /** ESPHome: the node name its discovery topics carry, when it is not its topic prefix */
  nodeName?: string;
}

export interface AdapterInput {
  topic: string;
  payload: Buffer;
  device: DeviceRow;
  now: number;
  /** the neighbourhood's time zone, for device clocks that send local time without an offset (Tasmota) */
  timeZone: string;
  /**
   * true when the message comes straight from the device (the embedded broker); false when a broker
   * in between may have held it (external broker mode), so an old time may be a late delivery
   */
  live: boolean;
}

/** One foreign format: which topics its devices own, and how a message becomes readings. */
export interface Adapter {
  /** topic filters a device with this device topic may publish to */
  publishFilters(topic: string): string[];
  /** topic filters it may subscribe to (its own command topics): nobody else publishes there */
  subscribeFilters(topic: string): string[];
  /** undefined: a topic of the device that carries no readings (accepted and ignored) */
  map(input: AdapterInput): AdapterResult | undefined;
}

export function emptyResult(): AdapterResult {
  return { meta: [], readings: [], rejections: [] };
}

/**
 * A field of a foreign message the hub has no mapping for: rejected as `unknown_field` (counted on the
 * node, shown with the fix) unless the admin silenced it with `device map ID KEY ignore`.
 */
export function unknownField(out: AdapterResult, device: DeviceRow, key: string, what = 'field'): void {
  if (device.config.ignore.includes(key)) return;
  const k = key.slice(0, 40);
  out.rejections.push({
    reason: 'unknown_field',
    detail: `${what} "${k}" is not mapped: "device map ${device.node} ${k}=QUANTITY:UNIT" stores it, "device map ${device.node} ${k} ignore" silences it`,
  });
}

/** Adds a reading and declares its sensor once per message. */
export function addReading(out: AdapterResult, r: ForeignReading, label?: string): void {
  if (!out.meta.some((m) => m.id === r.sensor)) {
    out.meta.push({ id: r.sensor, quantity: r.quantity, unit: r.unit, ...(label ? { label } : {}) });
  }
  out.readings.push(r);
}

/**
 * A number as foreign firmware writes it: a JSON number, or a string ("12.30", " 21.5 "). NaN, "nan",
 * "", and anything else give null, so the reading is rejected as `not_finite` rather than guessed.
 */
export function numberOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const text = v.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
  return Number(text);
}

/** A foreign name as a sensor id: "SHT3X-0x44" → "sht3x-0x44", "PM2.5" → "pm2-5". */
export function sensorSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 48);
  return slug || 'sensor';
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
