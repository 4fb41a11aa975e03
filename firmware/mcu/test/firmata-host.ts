/**
 * The host side of the tests: firmata-io's Firmata class (as johnny-five uses it) connected to an
 * AvrBoard, plus collectors for the firmware's extension reports and STRING_DATA messages.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { afterEach } from 'vitest';
import { AvrBoard } from '../../sim/avr-board.ts';
import type { ClampReport, PulseReport } from '../sysex-codec.ts';
import {
  decodeClampReport,
  decodePulseReport,
  SYSEX_CLAMP_RMS,
  SYSEX_PULSE_COUNTER,
} from '../sysex-codec.ts';

/** The part of firmata-io's (untyped) Firmata class these tests use. */
export interface FirmataIo extends EventEmitter {
  isReady: boolean;
  firmware: { name: string; version: { major: number; minor: number } };
  version: { major: number; minor: number };
  pins: { supportedModes: number[]; mode?: number; value: number; analogChannel: number; state?: number }[];
  analogPins: number[];
  MODES: Record<'INPUT' | 'OUTPUT' | 'ANALOG' | 'PULLUP' | 'I2C' | 'SERIAL', number>;
  pinMode(pin: number, mode: number): void;
  digitalWrite(pin: number, value: number): void;
  digitalRead(pin: number, callback: (value: number) => void): void;
  analogRead(channel: number, callback: (value: number) => void): void;
  queryPinState(pin: number, callback: () => void): void;
  queryFirmware(callback: () => void): void;
  queryCapabilities(callback: () => void): void;
  setSamplingInterval(ms: number): void;
  sysexCommand(message: number[]): void;
  sysexResponse(id: number, handler: (payload: number[]) => void): void;
  clearSysexResponse(id: number): void;
  i2cConfig(delay: number): void;
  i2cWrite(address: number, register: number, bytes: number[]): void;
  i2cReadOnce(address: number, register: number, count: number, callback: (data: number[]) => void): void;
  i2cRead(address: number, register: number, count: number, callback: (data: number[]) => void): void;
  i2cStop(address: number): void;
  SERIAL_PORT_IDs: { SW_SERIAL0: number; HW_SERIAL1: number };
  serialConfig(options: { portId: number; baud: number; rxPin?: number; txPin?: number }): void;
  serialWrite(portId: number, bytes: number[]): void;
  serialRead(portId: number, callback: (data: number[]) => void): void;
  serialStop(portId: number): void;
  serialClose(portId: number): void;
  reset(): void;
}

type FirmataClass = new (port: Duplex, options?: { reportVersionTimeout?: number }) => FirmataIo;

const require = createRequire(import.meta.url);
export const Firmata = (require('firmata-io') as { Firmata: FirmataClass }).Firmata;

/** Starts the board and resolves with a Firmata instance once its handshake is complete. */
export async function connectFirmata(board: AvrBoard): Promise<FirmataIo> {
  const io = new Firmata(board.transport, { reportVersionTimeout: 500 });
  board.start();
  await new Promise<void>((resolve, reject) => {
    io.once('ready', () => resolve());
    io.once('error', reject);
  });
  return io;
}

/** Collects the energy-metering reports and the firmware's text messages. */
export class ReportLog {
  readonly pulses: PulseReport[] = [];
  readonly clamps: ClampReport[] = [];
  readonly strings: string[] = [];

  constructor(private readonly io: FirmataIo) {
    // firmata-io keeps sysex handlers in a table shared by every instance: clear before claiming.
    io.clearSysexResponse(SYSEX_PULSE_COUNTER);
    io.clearSysexResponse(SYSEX_CLAMP_RMS);
    io.sysexResponse(SYSEX_PULSE_COUNTER, (payload) => {
      const report = decodePulseReport(payload);
      if (report) this.pulses.push(report);
    });
    io.sysexResponse(SYSEX_CLAMP_RMS, (payload) => {
      const report = decodeClampReport(payload);
      if (report) this.clamps.push(report);
    });
    io.on('string', (text: string) => this.strings.push(text));
  }

  lastPulse(channel: number): PulseReport | undefined {
    return this.pulses.filter((p) => p.channel === channel).at(-1);
  }

  close(): void {
    this.io.clearSysexResponse(SYSEX_PULSE_COUNTER);
    this.io.clearSysexResponse(SYSEX_CLAMP_RMS);
  }
}

export interface SimulatedFirmware {
  io: FirmataIo;
  log: ReportLog;
  board: AvrBoard;
}

/**
 * The committed image on a fresh simulated board for each test that asks for one, with its Firmata
 * host and report log; board and log are closed after each test of the calling suite.
 */
export function useSimulatedFirmware(): () => Promise<SimulatedFirmware> {
  let current: SimulatedFirmware | undefined;
  afterEach(async () => {
    current?.log.close();
    await current?.board.stop();
    current = undefined;
  });
  return async () => {
    const board = new AvrBoard();
    const io = await connectFirmata(board);
    current = { io, log: new ReportLog(io), board };
    return current;
  };
}
