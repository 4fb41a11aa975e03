import type { EventEmitter } from 'node:events';
import type { MeterDescription, MeterStatus, SensorDescription } from '../../protocol/index.ts';
import type { DriverReading } from './drivers/driver.ts';

/**
 * Where a node's readings come from: a Firmata board with the kit's drivers (firmata-source.ts), or a
 * utility meter's own output (meters/meter-source.ts). The agent reads it once per interval and
 * describes it in its meta and status. Events: `meta` when the sensors or the meter's description
 * changed (the agent publishes its meta again before the new readings), `status` when the meter's
 * tariff period or Tempo colours changed.
 */
export interface ReadingSource extends EventEmitter {
  readonly connected: boolean;
  /** the board as the meta names it: the firmware's name, "virtual", "linky", "dsmr" */
  readonly board: string | undefined;
  readonly firmware: string | undefined;
  sensors(): SensorDescription[];
  meter(): MeterDescription | undefined;
  meterStatus(): MeterStatus | undefined;
  start(): void;
  stop(): Promise<void>;
  /** this interval's readings, each stamped from `clock`; a failing sensor is logged, not thrown */
  read(clock: () => number): Promise<TimedReading[]>;
}

export type TimedReading = DriverReading & { ts: number };
