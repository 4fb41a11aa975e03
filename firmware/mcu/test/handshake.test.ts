import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { AvrBoard } from '../../sim/avr-board.ts';
import { connectFirmata, Firmata } from './firmata-host.ts';

const require = createRequire(import.meta.url);
const five = require('johnny-five') as {
  Board: new (options: Record<string, unknown>) => NodeJS.EventEmitter & { io: unknown };
};

describe('communs-firmata handshake and core Firmata (real image in avr8js)', () => {
  let board: AvrBoard | undefined;
  afterEach(async () => {
    await board?.stop();
    board = undefined;
  });

  it('johnny-five 2.1 through firmata-io reaches ready and reads the firmware name', async () => {
    board = new AvrBoard();
    const io = new Firmata(board.transport, { reportVersionTimeout: 500 });
    const j5 = new five.Board({ io, repl: false, debug: false, timeout: 10_000 });
    board.start();
    await new Promise<void>((resolve, reject) => {
      j5.once('ready', () => resolve());
      j5.once('error', reject);
    });
    expect(io.firmware.name).toBe('communs-firmata');
    expect(io.firmware.version).toEqual({ major: 2, minor: 5 });
    expect(io.version).toEqual({ major: 2, minor: 5 });
    // Capability response: 20 pins, A0-A5 are 14-19, I2C on A4/A5, pins 0-1 reserved for serial.
    expect(io.pins).toHaveLength(20);
    expect(io.analogPins).toEqual([14, 15, 16, 17, 18, 19]);
    expect(io.pins[0]?.supportedModes).toEqual([]);
    expect(io.pins[2]?.supportedModes).toEqual([
      io.MODES.INPUT,
      io.MODES.OUTPUT,
      io.MODES.SERIAL,
      io.MODES.PULLUP,
    ]);
    expect(io.pins[18]?.supportedModes).toContain(io.MODES.I2C);
    expect(io.pins[14]?.supportedModes).toContain(io.MODES.ANALOG);
  });

  it('reports analog values, digital input changes, and writes outputs', async () => {
    board = new AvrBoard();
    const io = await connectFirmata(board);
    board.setAnalogVoltage(1, 2.0);
    const analog: number[] = [];
    io.pinMode(1, io.MODES.ANALOG); // firmata-io takes the analog channel here
    io.analogRead(1, (v) => analog.push(v));

    const digital: number[] = [];
    io.pinMode(4, io.MODES.INPUT);
    io.digitalRead(4, (v) => digital.push(v));
    await board.advance(60);
    board.setDigitalInput(4, true);
    await board.advance(20);
    board.setDigitalInput(4, false);
    await board.advance(20);

    expect(analog.length).toBeGreaterThan(2); // one per 19 ms sampling interval
    expect(analog.at(-1)).toBe(Math.floor((2.0 / 5) * 1024));
    expect(digital).toEqual([0, 1, 0]);

    io.pinMode(13, io.MODES.OUTPUT);
    io.digitalWrite(13, 1);
    await new Promise<void>((resolve) => io.queryPinState(13, resolve));
    expect(io.pins[13]?.mode).toBe(io.MODES.OUTPUT);
    expect(io.pins[13]?.state).toBe(1);
  });

  it('honours SAMPLING_INTERVAL', async () => {
    board = new AvrBoard();
    const io = await connectFirmata(board);
    io.setSamplingInterval(100);
    io.pinMode(0, io.MODES.ANALOG);
    const times: number[] = [];
    io.analogRead(0, () => times.push(board?.timeMs ?? 0));
    await board.advance(520);
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(times.length).toBeLessThanOrEqual(6);
  });
});
