import { z } from 'zod';
import { NodeId } from './ids.ts';
import { SensorConfig } from './node-config.ts';

/**
 * The node agent's config file (`communs node --config FILE`): who the node is, where the hub is,
 * how to reach the board, and which sensors hang off it. Semantic checks that span several fields
 * (a pin used twice, an interrupt sensor off D2/D3) live in the loader, firmware/agent/config-loader.ts,
 * so that each error can name the field and the fix in one line.
 */

const HubUrl = z
  .string()
  .regex(
    /^(mqtts?|wss?):\/\/[^\s/]+/,
    'a broker URL such as "mqtt://hub.local:1883" or "ws://hub.local:8080/mqtt"',
  );

export const SerialBoard = z.object({
  type: z.literal('serial'),
  /** /dev/ttyUSB0, /dev/ttyACM0, COM3 */
  path: z.string().min(1),
  /** Firmata's customary rate; our firmware (firmware/mcu) uses it too */
  baud: z.number().int().positive().default(57600),
});

export const TcpBoard = z.object({
  type: z.literal('tcp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});

/**
 * What a virtual board simulates (firmware/virtual): a household's electricity use, or the air of a
 * place. `seed` makes a run reproducible; `speed` > 1 runs simulated time faster than the clock.
 */
export const VirtualModel = z.object({
  kind: z.enum(['household', 'indoor', 'outdoor']).default('household'),
  seed: z.number().int().nonnegative().default(1),
  /** people living there, or at the busiest hour of a shared place */
  occupants: z.number().int().min(0).max(1000).default(2),
  heatPump: z.boolean().default(false),
  electricCar: z.boolean().default(false),
  speed: z.number().positive().max(10_000).default(1),
});
export type VirtualModel = z.infer<typeof VirtualModel>;

export const VirtualBoard = z.object({
  type: z.literal('virtual'),
  model: VirtualModel.default({
    kind: 'household',
    seed: 1,
    occupants: 2,
    heatPump: false,
    electricCar: false,
    speed: 1,
  }),
});

/**
 * A Linky's customer information output (TIC) on a USB serial adapter: the meter is the board, and
 * declares what it measures. `auto` tries the historic mode (1200 baud) and the standard mode
 * (9600 baud) until frames check out, and says which it found (docs/METERS.md).
 */
export const TicBoard = z.object({
  type: z.literal('tic'),
  path: z.string().min(1),
  mode: z.enum(['auto', 'historique', 'standard']).default('auto'),
});

/** A DSMR meter's P1 port (NL, BE, LU) on a USB cable: 115200 baud 8N1 since DSMR 4. */
export const P1Board = z.object({
  type: z.literal('p1'),
  path: z.string().min(1),
  baud: z.number().int().positive().default(115_200),
});

export const BoardConnection = z.discriminatedUnion('type', [
  SerialBoard,
  TcpBoard,
  VirtualBoard,
  TicBoard,
  P1Board,
]);
export type BoardConnection = z.infer<typeof BoardConnection>;

/** Boards that are a utility meter's own output: no sensors to configure. */
export const METER_BOARDS = ['tic', 'p1'] as const;
export type MeterBoard = Extract<BoardConnection, { type: (typeof METER_BOARDS)[number] }>;

export function isMeterBoard(board: BoardConnection): board is MeterBoard {
  return (METER_BOARDS as readonly string[]).includes(board.type);
}

export const QueueConfig = z.object({
  /** where the store-and-forward queue lives; relative paths are resolved from the config file */
  dir: z.string().min(1),
  /** readings kept while the hub is away; the oldest are dropped (and counted) past this */
  maxReadings: z.number().int().min(10).max(10_000_000).default(100_000),
});

/**
 * Where the agent takes its time: the hub's SNTP server by default (the host of `hub`, port 123),
 * so readings carry the neighbourhood's clock; `false` keeps the machine's own clock.
 */
export const TimeConfig = z.union([
  z.literal(false),
  z.object({
    /** a host name or address; default: the host of `hub` */
    server: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).default(123),
    /** how often to ask, in seconds, once in step */
    everyS: z.number().min(10).max(86_400).default(900),
  }),
]);
export type TimeConfig = z.infer<typeof TimeConfig>;

export const NodeAgentConfig = z
  .object({
    node: NodeId,
    /** the MQTT password the hub issued for this node (`node add` on the console) */
    secret: z.string().min(1),
    hub: HubUrl,
    board: BoardConnection,
    /** the kit's sensors inline, or `kit`: a path to a hardware/<kit>/kit.json whose `sensors` are used */
    sensors: z.array(SensorConfig).max(32).optional(),
    kit: z.string().min(1).optional(),
    /**
     * the node's electrical draw with its sensors, in W, for the footprint view; by default the
     * kit's power budget (`power.powerW` in kit.json), else a typical Uno or Nano (0.25 W)
     */
    powerW: z.number().nonnegative().max(100).optional(),
    /** a name people see on the dashboard's node-health view */
    label: z.string().max(80).optional(),
    publishIntervalS: z.number().min(1).max(3600).default(10),
    queue: QueueConfig,
    time: TimeConfig.optional(),
  })
  .refine((c) => isMeterBoard(c.board) || (c.sensors === undefined) !== (c.kit === undefined), {
    message: 'give either "sensors" (an array) or "kit" (a path to kit.json), not both or neither',
    path: ['sensors'],
  })
  .refine((c) => !isMeterBoard(c.board) || c.sensors === undefined, {
    message: 'a meter board declares its own sensors from what the meter sends — remove "sensors"',
    path: ['sensors'],
  });
export type NodeAgentConfig = z.infer<typeof NodeAgentConfig>;

/** The part of a kit.json the agent reads; protocol/kit.ts defines the whole file. */
export const KitSensors = z.object({
  board: z.string().optional(),
  /** a kit that reads a utility meter's own output (hardware/linky-tic) has no sensors of its own */
  meter: z.enum(METER_BOARDS).optional(),
  sensors: z.array(SensorConfig).max(32),
  power: z.object({ powerW: z.number().nonnegative() }).optional(),
});

/** What an Uno or Nano with a few sensors draws from USB when nothing better is declared. */
export const DEFAULT_NODE_POWER_W = 0.25;
