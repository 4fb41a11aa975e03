import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { z } from 'zod';
import {
  DEFAULT_NODE_POWER_W,
  isMeterBoard,
  KitSensors,
  NodeAgentConfig,
  type SensorConfig,
} from '../../protocol/index.ts';
import { checkSensors } from './config-check.ts';

/** A config the agent cannot run with; `message` is the one line the user sees. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadedConfig {
  config: NodeAgentConfig;
  /** the sensors, inline or from the kit */
  sensors: SensorConfig[];
  /** the queue directory, absolute */
  queueDir: string;
  /** the draw the node declares in its meta: the config's, else the kit's budget, else a default */
  powerW: number;
  /** the board the kit is built on (uno, nano, pro-mini), when a kit names it */
  boardModel?: string;
}

const SENSOR_TYPES = [
  'meter-pulses',
  'current-clamp',
  'tmp36',
  'lm35',
  'bme280',
  'sht31',
  'scd4x',
  'sds011',
  'pms5003',
  'ldr',
  'microphone',
];

/** What to write in a field, by name, when the schema's own message is too terse. */
const FIELD_HINTS: Record<string, string> = {
  node: 'a node id such as "house-3-meter" (lower-case letters, digits, "-" or "_")',
  secret: 'the secret the hub printed for this node (`node add` on the console)',
  hub: 'a broker URL such as "mqtt://hub.local:1883"',
  board:
    'a board connection: {"type":"serial","path":"/dev/ttyUSB0"}, {"type":"tcp",...}, {"type":"virtual"}, or a meter: {"type":"tic","path":"/dev/ttyUSB0"}, {"type":"p1",...}',
  queue: 'a queue such as {"dir":"queue"}',
  dir: 'a directory for the store-and-forward queue, such as "queue"',
  id: 'a sensor id such as "meter" (lower-case letters, digits, "-" or "_")',
  pin: 'a pin such as "A0" (analog sensors) or "D2" (meter pulses)',
};

/** Reads, validates and checks a node config; throws ConfigError with a single line. */
export async function loadNodeConfig(file: string): Promise<LoadedConfig> {
  const name = basename(file);
  const raw = await readJson(file, name, 'the config file', 'check the --config path');
  const parsed = NodeAgentConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${name}: ${describeIssues(parsed.error.issues, raw)}`);
  const config = parsed.data;
  const base = dirname(resolve(file));
  let sensors: SensorConfig[];
  let kitPowerW: number | undefined;
  let kitMeter: string | undefined;
  let boardModel: string | undefined;
  let source = name;
  if (config.kit !== undefined) {
    const kitPath = resolve(base, config.kit);
    source = basename(kitPath);
    const kitRaw = await readJson(
      kitPath,
      `${name}: kit`,
      `the kit "${config.kit}"`,
      'fix the path (it is relative to the config file)',
    );
    const kit = KitSensors.safeParse(kitRaw);
    if (!kit.success) throw new ConfigError(`${source}: ${describeIssues(kit.error.issues, kitRaw)}`);
    sensors = kit.data.sensors;
    kitPowerW = kit.data.power?.powerW;
    kitMeter = kit.data.meter;
    boardModel = kit.data.board;
  } else {
    sensors = config.sensors ?? [];
  }
  if (isMeterBoard(config.board) || kitMeter !== undefined) {
    // the meter is the board: it declares its own sensors from what it sends
    if (config.kit !== undefined && kitMeter !== config.board.type) {
      throw new ConfigError(
        kitMeter === undefined
          ? `${source}: a ${config.board.type} board reads the meter itself; this kit is for a Firmata board — remove "kit", or use hardware/linky-tic/kit.json`
          : `${name}: board: the kit reads a ${kitMeter} meter — set "board": {"type": "${kitMeter}", "path": "/dev/ttyUSB0"}`,
      );
    }
    return {
      config,
      sensors: [],
      queueDir: resolve(base, config.queue.dir),
      powerW: config.powerW ?? kitPowerW ?? DEFAULT_NODE_POWER_W,
    };
  }
  if (sensors.length === 0) {
    throw new ConfigError(`${source}: sensors: the list is empty — add at least one sensor`);
  }
  const problem = checkSensors(sensors, boardModel);
  if (problem) throw new ConfigError(`${source}: ${problem}`);
  return {
    config,
    sensors,
    queueDir: resolve(base, config.queue.dir),
    powerW: config.powerW ?? kitPowerW ?? DEFAULT_NODE_POWER_W,
    ...(boardModel ? { boardModel } : {}),
  };
}

async function readJson(path: string, label: string, what: string, fix: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${label}: cannot read ${what} at ${path} (${code}) — ${fix}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${label}: not valid JSON (${(err as Error).message}) — fix the syntax`);
  }
}

/** Turns the first schema issue into `path: expected, got value — fix`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const path = formatPath(issue.path);
  const value = valueAt(input, issue.path);
  const field = String(issue.path[issue.path.length - 1] ?? '');
  if (issue.code === 'invalid_union' && field === 'type') {
    const known = isSensorPath(issue.path) ? SENSOR_TYPES : ['serial', 'tcp', 'virtual', 'tic', 'p1'];
    const what = isSensorPath(issue.path) ? 'sensor type' : 'board type';
    return `${path}: unknown ${what} ${JSON.stringify(value)}; use one of ${known.join(', ')} — fix the type in the config`;
  }
  if (issue.code === 'custom') return `${path}: ${issue.message}`;
  if (value === undefined && issue.code === 'invalid_type') {
    const hint = FIELD_HINTS[field] ?? issue.message.replace(/^Invalid input: /, '');
    return `${path}: missing — add "${field}": ${hint}`;
  }
  if (field === 'pin' && isSensorPath(issue.path)) {
    const sensor = valueAt(input, issue.path.slice(0, -1));
    if (isRecord(sensor) && sensor.type === 'meter-pulses') {
      return `${path}: the meter pulse sensor needs an interrupt pin, "D2" or "D3", got ${JSON.stringify(value)} — move the wire to D2 or D3 and fix the pin`;
    }
  }
  const expected = issue.message.replace(/^Invalid input: /, '');
  return `${path}: ${expected}, got ${JSON.stringify(value)} — fix the ${field || 'value'} in the config`;
}

function isSensorPath(path: readonly PropertyKey[]): boolean {
  return path[0] === 'sensors' && typeof path[1] === 'number';
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (!isRecord(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
