import { describe, expect, it } from 'vitest';
import { encodeParticulateCommand } from '../../agent/drivers/particulate-commands.ts';
import { encodePms5003, encodeSds011 } from '../../agent/drivers/particulate-frames.ts';
import { UartPins } from '../../sim/uart-pins.ts';
import { encodeClampConfig, encodePulseConfig } from '../sysex-codec.ts';
import { type FirmataIo, useSimulatedFirmware } from './firmata-host.ts';

/** The outdoor-air kit's wiring (hardware/outdoor-air/kit.json): sensor TX on D8, sensor RX on D9. */
const RX = 8;
const TX = 9;

function openPort(io: FirmataIo, heard: number[], rxPin = RX, txPin = TX): void {
  const portId = io.SERIAL_PORT_IDs.SW_SERIAL0;
  io.serialConfig({ portId, baud: 9600, rxPin, txPin });
  io.serialRead(portId, (data) => heard.push(...data));
}

function queryPinState(io: FirmataIo, pin: number): Promise<number | undefined> {
  return new Promise((resolve) => io.queryPinState(pin, () => resolve(io.pins[pin]?.mode)));
}

describe('software serial SW_SERIAL0 at 9600 baud (Firmata serial.md, real image in avr8js)', () => {
  const setup = useSimulatedFirmware();

  it('receives a PMS5003 frame on D8, bit-timed in CPU cycles, and reports it as SERIAL_REPLY', async () => {
    const { io, board } = await setup();
    const heard: number[] = [];
    openPort(io, heard);
    await board.advance(5);
    const sensor = new UartPins(board, { boardRx: RX, boardTx: TX, baud: 9600 });
    const frame = encodePms5003({ pm25: 12, pm10: 17 });
    expect(frame).toHaveLength(32);
    const end = sensor.send(frame);
    // 32 bytes back to back take 33.3 ms; the reply follows the 3 ms of quiet after the frame
    await board.runUntil(() => heard.length >= frame.length, (end - board.cycles) / 16_000 + 20);
    expect(heard).toEqual(frame);
    // the next frame, after a pause (the sensor sends one a second)
    const second = encodePms5003({ pm25: 250, pm10: 400 });
    sensor.send(second, 100);
    await board.runUntil(() => heard.length >= 64, 100);
    expect(heard.slice(32)).toEqual(second);
  });

  it('receives SDS011 frames exactly at the edges of the baud tolerance (±2 %)', async () => {
    const { io, board } = await setup();
    const heard: number[] = [];
    openPort(io, heard);
    await board.advance(5);
    const frames: number[] = [];
    for (const baud of [9600 * 0.98, 9600, 9600 * 1.02]) {
      const sensor = new UartPins(board, { boardRx: RX, baud });
      const frame = encodeSds011({ pm25: 3.4 + baud / 1000, pm10: 8.1 });
      frames.push(...frame);
      const end = sensor.send(frame, 10);
      await board.advance((end - board.cycles) / 16_000 + 10);
    }
    expect(heard).toEqual(frames);
  });

  it('sends SERIAL_WRITE on D9: the waveform decodes to the SDS011 sleep command, 104 µs per bit', async () => {
    const { io, board } = await setup();
    openPort(io, []);
    await board.advance(5);
    const sensor = new UartPins(board, { boardRx: RX, boardTx: TX, baud: 9600 });
    const received: number[] = [];
    sensor.onByte = (b) => received.push(b);
    const sleep = encodeParticulateCommand('sds011', 'sleep');
    expect(sleep).toHaveLength(19);
    io.serialWrite(io.SERIAL_PORT_IDs.SW_SERIAL0, sleep);
    // 19 bytes of 10 bits: 19.8 ms on the line
    await board.runUntil(() => received.length >= sleep.length, 60);
    expect(received).toEqual(sleep);
    expect(sensor.framingErrors).toBe(0);
    // the bytes go back to back at 9600 baud within 0.5 %, and every edge falls on that bit grid
    // within 3 µs (48 cycles) however the other interrupts delay the compare interrupt
    const first = sensor.edges[0];
    const last = sensor.edges.at(-1);
    if (!first || !last) throw new Error('no edge on the TX pin');
    const nominal = 16_000_000 / 9600;
    const bit = (last.cycle - first.cycle) / Math.round((last.cycle - first.cycle) / nominal);
    expect(Math.abs(bit / nominal - 1)).toBeLessThan(0.005);
    let worst = 0;
    for (const edge of sensor.edges) {
      const bits = (edge.cycle - first.cycle) / bit;
      worst = Math.max(worst, Math.abs(bits - Math.round(bits)) * bit);
    }
    expect(worst).toBeLessThan(48);
    // the line is left high, idle
    expect(last.high).toBe(true);
  });

  it('receives while it transmits: a PMS5003 frame arrives during a sleep command', async () => {
    const { io, board } = await setup();
    const heard: number[] = [];
    openPort(io, heard);
    await board.advance(5);
    const sensor = new UartPins(board, { boardRx: RX, boardTx: TX, baud: 9600 });
    const received: number[] = [];
    sensor.onByte = (b) => received.push(b);
    const sleep = encodeParticulateCommand('pms5003', 'sleep');
    const frame = encodePms5003({ pm25: 35, pm10: 52 });
    sensor.send(frame, 3);
    io.serialWrite(io.SERIAL_PORT_IDs.SW_SERIAL0, sleep);
    await board.runUntil(() => heard.length >= frame.length && received.length >= sleep.length, 80);
    expect(heard).toEqual(frame);
    expect(received).toEqual(sleep);
  });

  it('loses no byte while the clamp sequencer, the pulse counter and analog reporting interrupt it', async () => {
    const { io, log, board } = await setup();
    board.setAnalogWaveform(0, (t) => 2.5 + Math.sin(2 * Math.PI * 50 * t));
    board.setAnalogVoltage(1, 1.2);
    io.sysexCommand(
      encodeClampConfig({ currentChannel: 0, voltageChannel: 1, mainsHz: 50, cycles: 5, enabled: true }),
    );
    io.sysexCommand(
      encodePulseConfig({ channel: 0, enabled: true, activeLow: false, pullUp: false, minWidthUs: 1000 }),
    );
    io.analogRead(3, () => {});
    const heard: number[] = [];
    openPort(io, heard);
    await board.advance(10);
    const sensor = new UartPins(board, { boardRx: RX, boardTx: TX, baud: 9600 });
    const received: number[] = [];
    sensor.onByte = (b) => received.push(b);
    board.pulseTrain(2, { startMs: board.timeMs + 1, count: 10, periodMs: 15, widthMs: 2 });
    const frames: number[] = [];
    for (let i = 0; i < 5; i++) frames.push(...encodePms5003({ pm25: 10 + i, pm10: 20 + i }));
    sensor.send(frames);
    const wake = encodeParticulateCommand('pms5003', 'wake');
    io.serialWrite(io.SERIAL_PORT_IDs.SW_SERIAL0, wake);
    await board.runUntil(() => heard.length >= frames.length && log.clamps.length >= 2, 400);
    expect(heard).toEqual(frames);
    expect(received).toEqual(wake);
    expect(log.lastPulse(0)?.count).toBe(10);
  });

  it('puts the pins in SERIAL mode, lists SERIAL in the capabilities, and releases them on close', async () => {
    const { io, board } = await setup();
    expect(io.pins[0]?.supportedModes).toEqual([]);
    expect(io.pins[8]?.supportedModes).toContain(io.MODES.SERIAL);
    expect(io.pins[19]?.supportedModes).toContain(io.MODES.SERIAL);
    openPort(io, []);
    await board.advance(5);
    expect(await queryPinState(io, RX)).toBe(io.MODES.SERIAL);
    expect(await queryPinState(io, TX)).toBe(io.MODES.SERIAL);
    // the TX line idles high, driven
    const drives: string[] = [];
    board.watchPin(TX, (drive) => drives.push(drive));
    io.serialClose(io.SERIAL_PORT_IDs.SW_SERIAL0);
    await board.advance(5);
    expect(drives).toEqual(['input']);
    expect(await queryPinState(io, RX)).toBe(io.MODES.INPUT);
    expect(await queryPinState(io, TX)).toBe(io.MODES.INPUT);
  });

  it('stops reporting after SERIAL_READ stop, and refuses other bauds and ports with a STRING_DATA', async () => {
    const { io, log, board } = await setup();
    const heard: number[] = [];
    openPort(io, heard);
    await board.advance(5);
    const sensor = new UartPins(board, { boardRx: RX, boardTx: TX, baud: 9600 });
    io.serialStop(io.SERIAL_PORT_IDs.SW_SERIAL0);
    await board.advance(5);
    const end = sensor.send(encodeSds011({ pm25: 5, pm10: 6 }));
    await board.advance((end - board.cycles) / 16_000 + 10);
    expect(heard).toEqual([]);

    io.serialConfig({ portId: io.SERIAL_PORT_IDs.SW_SERIAL0, baud: 115200, rxPin: RX, txPin: TX });
    io.serialConfig({ portId: io.SERIAL_PORT_IDs.HW_SERIAL1, baud: 9600 });
    // each STRING_DATA is about 100 bytes, 18 ms at 57600 baud
    await board.runUntil(() => log.strings.length >= 2, 100);
    expect(log.strings).toEqual([
      'serial: config needs 9600 baud and rx/tx pins 2-19',
      'serial: only SW_SERIAL0 (port 8)',
    ]);
  });

  it('a receive-only port (RX pin given twice, as the agent does without txPin) hears frames', async () => {
    const { io, board } = await setup();
    const heard: number[] = [];
    openPort(io, heard, 17, 17); // A3
    await board.advance(5);
    const sensor = new UartPins(board, { boardRx: 17, baud: 9600 });
    const frame = encodeSds011({ pm25: 41.2, pm10: 77.7 });
    sensor.send(frame);
    await board.runUntil(() => heard.length >= frame.length, 30);
    expect(heard).toEqual(frame);
  });
});
