import { z } from 'zod';
import { NodeId, SensorId } from './ids.ts';
import { METER_BOARDS } from './node-agent-config.ts';
import { SensorConfig } from './node-config.ts';

/**
 * A hardware kit, `hardware/<kit>/kit.json`: what to buy or salvage, how to wire it, how much it draws,
 * and the sensors the node agent reads (`"kit": "hardware/<kit>/kit.json"` in a node config). The
 * wiring diagram is drawn from the same file, so paper and software cannot disagree.
 */

const Text = z.object({ fr: z.string().min(1), en: z.string().min(1) });

/**
 * Pin names as printed on the boards' silkscreen (Arduino style; NodeMCU/Wemos for the ESP8266;
 * RXD/TXD on a USB-serial adapter).
 */
const BOARD_PIN = /^(D\d{1,2}|A\d|5V|3V3|VIN|VCC|RAW|GND|AREF|RXD|TXD)$/;
const NET = /^net:[a-z0-9][a-z0-9-]*$/;
const PART_PIN = /^[a-z0-9][a-z0-9-]*\.[A-Za-z0-9+_-]+$/;

export const KitPart = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a part id such as "r1" or "clamp"'),
  part: z.string().min(1),
  qty: z.number().int().positive(),
  note: z.string().optional(),
  /** the sensor (in `sensors`) this part measures for; lets checkKit follow its wires to the pins */
  sensor: SensorId.optional(),
  /** not needed for the base build; drawn dashed and left out of `power.powerW` */
  optional: z.boolean().optional(),
});
export type KitPart = z.infer<typeof KitPart>;

export const WIRE_COLOURS = [
  'red',
  'black',
  'yellow',
  'green',
  'blue',
  'white',
  'orange',
  'purple',
  'grey',
  'brown',
] as const;

/**
 * One wire: from a component pin (`"photo.E"`) or a breadboard row (`"net:pulse"`) to a board pin
 * (`"D2"`, `"5V"`) or a breadboard row. Rows exist because two parts often meet before reaching the
 * board (a sensor and its pull-down), and one board pin must then get a single wire.
 */
export const KitConnection = z.object({
  from: z
    .string()
    .regex(new RegExp(`${PART_PIN.source}|${NET.source}`), 'a part pin "part.pin" or "net:row"'),
  to: z
    .string()
    .regex(new RegExp(`${BOARD_PIN.source}|${NET.source}`), 'a board pin such as "D2" or "net:row"'),
  wire: z.enum(WIRE_COLOURS),
  optional: z.boolean().optional(),
});
export type KitConnection = z.infer<typeof KitConnection>;

/** A default that a builder may have to adjust, and how; `key` is a field of that sensor's config. */
export const KitCalibration = z.object({
  sensor: SensorId,
  key: z.string().min(1),
  value: z.number(),
  unit: z.string().min(1),
  how: Text,
});

/** One part's average draw; `source` names the datasheet (and section) or measurement it comes from. */
export const PowerDraw = z.object({
  part: z.string().min(1),
  watts: z.number().nonnegative(),
  basis: z.string().min(1),
  source: z.string().min(1),
  optional: z.boolean().optional(),
});

export const Kit = z
  .object({
    id: NodeId,
    name: Text,
    measures: Text,
    /** `usb-serial`: no microcontroller, a USB-serial adapter reading a meter's own output */
    board: z.enum(['uno', 'nano', 'pro-mini', 'esp8266', 'usb-serial']),
    /** the meter output the kit reads (`"board": {"type": <meter>}` in the node config) */
    meter: z.enum(METER_BOARDS).optional(),
    parts: z.array(KitPart).min(1),
    connections: z.array(KitConnection).min(1),
    calibration: z.array(KitCalibration),
    /** a meter kit has none: the meter declares what it measures */
    sensors: z.array(SensorConfig).max(32),
    /** `powerW` is the base build's average draw at the board's input: the sum of non-optional draws */
    power: z.object({ powerW: z.number().nonnegative().max(100), draws: z.array(PowerDraw).min(1) }),
  })
  .refine((k) => (k.meter === undefined) === (k.board !== 'usb-serial'), {
    message: 'a meter kit ("meter") runs on a USB-serial adapter ("board": "usb-serial"), and only it does',
    path: ['meter'],
  })
  .refine((k) => (k.meter === undefined ? k.sensors.length > 0 : k.sensors.length === 0), {
    message: 'a Firmata kit lists at least one sensor; a meter kit none (the meter declares them)',
    path: ['sensors'],
  });
export type Kit = z.infer<typeof Kit>;
export type KitBoard = Kit['board'];

export interface BoardProfile {
  label: string;
  /** power and ground: any number of wires may land on them */
  rails: readonly string[];
  digital: readonly string[];
  analog: readonly string[];
  interrupts: readonly string[];
  i2c: { sda: string; scl: string };
  /** pins of the board's USB serial link to the node agent: nothing else may use them */
  serialLink: readonly string[];
}

const pins = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

/** ATmega328P boards: INT0/INT1 on D2/D3, SDA/SCL on A4/A5 (ATmega328P datasheet, pin configurations). */
const atmega = (rails: string[], analog: number): BoardProfile => ({
  label: '',
  rails,
  digital: pins('D', 0, 13),
  analog: pins('A', 0, analog - 1),
  interrupts: ['D2', 'D3'],
  i2c: { sda: 'A4', scl: 'A5' },
  serialLink: ['D0', 'D1'],
});

export const KIT_BOARDS: Record<KitBoard, BoardProfile> = {
  uno: { ...atmega(['5V', '3V3', 'VIN', 'GND'], 6), label: 'Arduino Uno' },
  // A6 and A7 exist on the Nano and Pro Mini (TQFP package) as analog-only inputs
  nano: { ...atmega(['5V', '3V3', 'VIN', 'GND'], 8), label: 'Arduino Nano' },
  'pro-mini': { ...atmega(['VCC', 'RAW', 'GND'], 8), label: 'Arduino Pro Mini' },
  // NodeMCU/Wemos names: SDA D2 (GPIO4), SCL D1 (GPIO5); GPIO16 (D0) has no interrupt
  // a CP2102, CH340 or FT232 module: RXD is the adapter's input, its USB side is the agent's port
  'usb-serial': {
    label: 'USB-serial adapter',
    rails: ['5V', '3V3', 'GND'],
    digital: ['RXD', 'TXD'],
    analog: [],
    interrupts: [],
    i2c: { sda: '', scl: '' },
    serialLink: [],
  },
  esp8266: {
    label: 'ESP8266 (NodeMCU / Wemos D1 mini)',
    rails: ['5V', '3V3', 'GND'],
    digital: pins('D', 0, 8),
    analog: ['A0'],
    interrupts: pins('D', 1, 8),
    i2c: { sda: 'D2', scl: 'D1' },
    serialLink: [],
  },
};

export type KitEndpoint =
  | { kind: 'part'; part: string; pin: string }
  | { kind: 'net'; net: string }
  | { kind: 'board'; pin: string };

export function parseEndpoint(text: string): KitEndpoint {
  if (text.startsWith('net:')) return { kind: 'net', net: text.slice(4) };
  const dot = text.indexOf('.');
  if (dot > 0) return { kind: 'part', part: text.slice(0, dot), pin: text.slice(dot + 1) };
  return { kind: 'board', pin: text };
}

/** kWh a year for a constant average draw: 8760 h. */
export function annualKwh(watts: number): number {
  return (watts * 8760) / 1000;
}

/** Default I2C addresses (BME280 SDO to GND, SHT31 ADDR to GND, SCD4x fixed: their datasheets). */
const I2C_DEFAULT: Record<string, number> = { bme280: 0x76, sht31: 0x44, scd4x: 0x62 };

type PinRole = 'analog' | 'interrupt' | 'i2c' | 'serial';
interface SensorPin {
  field: string;
  pin: string;
  role: PinRole;
  /** the sensor's own part must reach this pin (not so for a pin driven through a divider) */
  own: boolean;
}

/** The board pins a sensor's config makes the agent use. */
export function sensorBoardPins(s: SensorConfig, board: BoardProfile): SensorPin[] {
  switch (s.type) {
    case 'meter-pulses':
      return [{ field: 'pin', pin: s.pin, role: 'interrupt', own: true }];
    case 'current-clamp': {
      const out: SensorPin[] = [{ field: 'pin', pin: s.pin, role: 'analog', own: true }];
      if (s.voltagePin) out.push({ field: 'voltagePin', pin: s.voltagePin, role: 'analog', own: false });
      return out;
    }
    case 'bme280':
    case 'sht31':
    case 'scd4x':
      return [
        { field: 'SDA', pin: board.i2c.sda, role: 'i2c', own: true },
        { field: 'SCL', pin: board.i2c.scl, role: 'i2c', own: true },
      ];
    case 'sds011':
    case 'pms5003': {
      const out: SensorPin[] = [{ field: 'rxPin', pin: s.rxPin, role: 'serial', own: true }];
      if (s.txPin) out.push({ field: 'txPin', pin: s.txPin, role: 'serial', own: false });
      return out;
    }
    default:
      return [{ field: 'pin', pin: s.pin, role: 'analog', own: true }];
  }
}

/** Board pins reachable from a part's pins through wires and breadboard rows (not through other parts). */
export function boardPinsReachedBy(kit: Kit, part: string): Set<string> {
  const edges = new Map<string, string[]>();
  const link = (a: string, b: string) => edges.set(a, [...(edges.get(a) ?? []), b]);
  for (const c of kit.connections) {
    link(c.from, c.to);
    link(c.to, c.from);
  }
  const queue = [...edges.keys()].filter((k) => k.startsWith(`${part}.`));
  const seen = new Set(queue);
  const reached = new Set<string>();
  while (queue.length > 0) {
    for (const next of edges.get(queue.shift() ?? '') ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      const end = parseEndpoint(next);
      if (end.kind === 'board') reached.add(end.pin);
      else if (end.kind === 'net') queue.push(next);
    }
  }
  return reached;
}

/**
 * Validates a kit and returns every problem as one readable line naming the bad value; empty when the
 * kit is sound. Schema problems come first (and stop there: the semantic checks need a parsed kit).
 */
export function checkKit(input: unknown): string[] {
  const parsed = Kit.safeParse(input);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${i.path.join('.') || 'kit'}: ${i.message}`);
  }
  const kit = parsed.data;
  const board = KIT_BOARDS[kit.board];
  const problems: string[] = [];
  const partIds = new Set<string>();
  for (const p of kit.parts) {
    if (partIds.has(p.id)) problems.push(`parts: the id "${p.id}" is used twice — give each part its own id`);
    partIds.add(p.id);
  }
  const sensorIds = new Set(kit.sensors.map((s) => s.id));
  for (const p of kit.parts) {
    if (p.sensor && !p.optional && !sensorIds.has(p.sensor)) {
      problems.push(
        `parts: "${p.id}" is the sensor "${p.sensor}", which is not in sensors — add it or fix the name`,
      );
    }
  }
  const nets = new Map<string, number>();
  const boardWires = new Map<string, string[]>();
  for (const c of kit.connections) {
    for (const end of [parseEndpoint(c.from), parseEndpoint(c.to)]) {
      if (end.kind === 'part' && !partIds.has(end.part)) {
        problems.push(`connections: "${c.from}" → "${c.to}" names the part "${end.part}", not in parts`);
      } else if (end.kind === 'net') nets.set(end.net, (nets.get(end.net) ?? 0) + 1);
      else if (end.kind === 'board') boardWires.set(end.pin, [...(boardWires.get(end.pin) ?? []), c.from]);
    }
  }
  for (const [net, count] of nets) {
    if (count < 2) problems.push(`connections: the row net:${net} has a single wire — it connects nothing`);
  }
  const bus = [board.i2c.sda, board.i2c.scl];
  for (const [pin, froms] of boardWires) {
    const known = [...board.rails, ...board.digital, ...board.analog, 'AREF'].includes(pin);
    if (!known) problems.push(`connections: ${pin} does not exist on the ${board.label}`);
    if (board.serialLink.includes(pin)) {
      problems.push(
        `connections: ${pin} is the ${board.label}'s USB serial link to the node agent — move ${froms.join(', ')} to a free pin`,
      );
    }
    if (bus.includes(pin)) {
      const line = pin === board.i2c.sda ? /^(SDA|SDI)$/i : /^(SCL|SCK)$/i;
      for (const from of froms) {
        const end = parseEndpoint(from);
        if (end.kind === 'part' && !line.test(end.pin)) {
          problems.push(
            `connections: ${pin} is the I2C bus; ${from} is not an I2C pin — wire it to a free pin`,
          );
        }
      }
    } else if (froms.length > 1 && !board.rails.includes(pin)) {
      problems.push(
        `connections: ${pin} has ${froms.length} wires (${froms.join(', ')}); only power rails and the I2C bus may share a pin — join them on a breadboard row and run one wire to ${pin}`,
      );
    }
  }
  if (kit.meter && !kit.connections.some((c) => c.to === 'RXD')) {
    problems.push(`connections: a meter kit brings the meter's signal to RXD — no wire goes to RXD`);
  }
  problems.push(...checkSensorsAgainstWiring(kit, board));
  problems.push(...checkCalibrationAndPower(kit, partIds));
  return problems;
}

function checkSensorsAgainstWiring(kit: Kit, board: BoardProfile): string[] {
  const problems: string[] = [];
  const wired = new Set(kit.connections.map((c) => c.to));
  const ids = new Set<string>();
  const addresses = new Map<number, string>();
  for (const s of kit.sensors) {
    const at = `sensors "${s.id}"`;
    if (ids.has(s.id)) problems.push(`${at}: the id is used twice — give each sensor its own id`);
    ids.add(s.id);
    if ('address' in s || s.type in I2C_DEFAULT) {
      const address = ('address' in s ? s.address : undefined) ?? I2C_DEFAULT[s.type] ?? 0;
      const other = addresses.get(address);
      const hex = `0x${address.toString(16)}`;
      if (other)
        problems.push(`${at}: I2C address ${hex} is already taken by "${other}" — set the other address`);
      addresses.set(address, s.id);
    }
    const parts = kit.parts.filter((p) => p.sensor === s.id);
    if (parts.length !== 1) {
      problems.push(
        `${at}: ${parts.length} parts name it in "sensor" — mark exactly one part as this sensor`,
      );
    }
    const reached = parts[0] ? boardPinsReachedBy(kit, parts[0].id) : new Set<string>();
    for (const { field, pin, role, own } of sensorBoardPins(s, board)) {
      const allowed = {
        analog: board.analog,
        interrupt: board.interrupts,
        i2c: [board.i2c.sda, board.i2c.scl],
        serial: board.digital.filter((d) => !board.serialLink.includes(d)),
      }[role];
      if (!allowed.includes(pin)) {
        problems.push(
          `${at}: ${field} ${pin} is not a ${role} pin on the ${board.label} (use ${allowed.join(', ')})`,
        );
      }
      if (!wired.has(pin)) problems.push(`${at}: reads ${pin} (${field}) but no wire goes to ${pin}`);
      else if (own && parts[0] && !reached.has(pin)) {
        problems.push(`${at}: reads ${pin} (${field}) but its part "${parts[0].id}" is not wired to ${pin}`);
      }
    }
  }
  return problems;
}

function checkCalibrationAndPower(kit: Kit, partIds: Set<string>): string[] {
  const problems: string[] = [];
  for (const c of kit.calibration) {
    const sensor = kit.sensors.find((s) => s.id === c.sensor) as Record<string, unknown> | undefined;
    if (!sensor) problems.push(`calibration: no sensor "${c.sensor}"`);
    else if (sensor[c.key] !== c.value) {
      problems.push(
        `calibration: ${c.sensor}.${c.key} is ${String(sensor[c.key])} in sensors but ${c.value} here — make them agree`,
      );
    }
  }
  let sum = 0;
  for (const d of kit.power.draws) {
    if (!partIds.has(d.part)) problems.push(`power: the draw of "${d.part}" names no part`);
    if (!d.optional) sum += d.watts;
  }
  // powerW is written with three decimals; half a milliwatt is rounding, more is a mistake
  if (Math.abs(sum - kit.power.powerW) > 0.0005) {
    problems.push(
      `power: powerW is ${kit.power.powerW} W but the non-optional draws add up to ${sum.toFixed(3)} W`,
    );
  }
  return problems;
}
