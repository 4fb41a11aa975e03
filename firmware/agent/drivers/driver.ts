import type { Quantity, SensorDescription } from '../../../protocol/index.ts';
import type { BoardPort } from '../board-port.ts';

/** A reading before the agent stamps it with its time and sequence number. */
export interface DriverReading {
  sensor: string;
  quantity: Quantity;
  unit: string;
  value: number;
}

/**
 * One sensor of a kit. `attach` runs after every (re)connection of the board, since a board that
 * was unplugged forgets its pin modes and reporting; `read` is called once per publish interval.
 */
export interface Driver {
  readonly sensors: readonly SensorDescription[];
  /**
   * Set when the sensor needs an extension only the Communs firmware has (firmware/mcu: pulse
   * counter, clamp RMS): `id` is the configured sensor's, `what` names it for a person.
   */
  readonly communsExtension?: { id: string; what: string };
  attach(board: BoardPort): void;
  detach(): void;
  read(now: number): Promise<DriverReading[]>;
}

/** Waits, with a default that tests replace. */
export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));
