import { describe, expect, it } from 'vitest';
import { SensorConfig, VirtualModel } from '../../protocol/index.ts';
import { encodeParticulateCommand } from '../agent/drivers/particulate-commands.ts';
import { ParticulateFrameParser } from '../agent/drivers/particulate-frames.ts';
import {
  decodeClampReport,
  decodePulseReport,
  encodeClampConfig,
  encodePulseConfig,
} from '../agent/extensions.ts';
import { FIRMATA, fromPairs, toPairs } from './firmata-constants.ts';
import { VirtualBoard } from './virtual-board.ts';

/** Collects what the board says, split into sysex messages and MIDI-style messages. */
function listen(board: VirtualBoard): { sysex: number[][]; midi: number[][]; bytes: number[] } {
  const heard = { sysex: [] as number[][], midi: [] as number[][], bytes: [] as number[] };
  let cur: number[] = [];
  board.on('data', (d: Buffer) => {
    for (const b of d) {
      heard.bytes.push(b);
      if (b === FIRMATA.START_SYSEX) cur = [];
      else if (b === FIRMATA.END_SYSEX) heard.sysex.push(cur);
      else if (b >= 0x80 && cur.length === 0) heard.midi.push([b]);
      else if (heard.midi.length && cur.length === 0 && heard.midi.at(-1)?.length !== 3)
        heard.midi.at(-1)?.push(b);
      else cur.push(b);
    }
  });
  return heard;
}

const turn = () => new Promise((r) => setImmediate(r));

function make(sensors: object[], model: object = {}, clock = () => 0) {
  return new VirtualBoard({
    model: VirtualModel.parse({ speed: 1, ...model }),
    sensors: sensors.map((s) => SensorConfig.parse(s)),
    clock,
    tickMs: 60_000,
  });
}

describe('virtual board: Firmata at the byte level', () => {
  it('announces version 2.5 and its firmware name when connected', async () => {
    const board = make([]);
    const heard = listen(board);
    board.connect();
    await turn();
    expect(heard.bytes.slice(0, 3)).toEqual([FIRMATA.REPORT_VERSION, 2, 5]);
    const name = heard.sysex.find((s) => s[0] === FIRMATA.REPORT_FIRMWARE) ?? [];
    const text = String.fromCharCode(...name.slice(3).filter((_, i) => i % 2 === 0));
    expect(text).toBe('communs-virtual');
    board.unplug();
  });

  it('answers capability and analog-mapping queries for an ATmega328P (20 pins, A0-A5 on 14-19)', async () => {
    const board = make([]);
    const heard = listen(board);
    board.connect();
    board.write([0xf0, FIRMATA.CAPABILITY_QUERY, 0xf7, 0xf0, FIRMATA.ANALOG_MAPPING_QUERY, 0xf7]);
    await turn();
    const caps = heard.sysex.find((s) => s[0] === FIRMATA.CAPABILITY_RESPONSE) ?? [];
    expect(caps.filter((b) => b === 0x7f)).toHaveLength(20);
    const mapping = heard.sysex.find((s) => s[0] === FIRMATA.ANALOG_MAPPING_RESPONSE) ?? [];
    expect(mapping.slice(1)).toEqual([...Array(14).fill(0x7f), 0, 1, 2, 3, 4, 5]);
    board.unplug();
  });

  it('survives a truncated sysex: a command byte ends it and the next request is answered', async () => {
    const board = make([]);
    const heard = listen(board);
    board.connect();
    board.write([0xf0, 0x01, 0x00, 0x05, FIRMATA.REPORT_VERSION]);
    await turn();
    expect(heard.bytes.filter((b) => b === FIRMATA.REPORT_VERSION)).toHaveLength(2);
    board.unplug();
  });

  it('counts meter pulses from the modelled load while the channel is enabled', async () => {
    let now = Date.UTC(2026, 0, 12, 18, 0);
    const board = make([{ type: 'meter-pulses', id: 'm', pin: 'D2' }], { seed: 4 }, () => now);
    const heard = listen(board);
    board.connect();
    board.write([
      0xf0,
      ...encodePulseConfig({ channel: 0, enabled: true, activeLow: false, pullUp: false, minWidthUs: 5000 }),
      0xf7,
    ]);
    now += 3_600_000;
    board.write([0xf0, 0x01, 0x01, 0x00, 0xf7]); // QUERY channel 0
    await turn();
    const report = heard.sysex.filter((s) => s[0] === 0x01).map((s) => decodePulseReport(s.slice(1)));
    const last = report.at(-1);
    // an evening hour of a household: a few hundred Wh to a few kWh, at 1 pulse per Wh
    expect(last?.count).toBeGreaterThan(100);
    expect(last?.count).toBeLessThan(8000);
    expect(last?.nowMs).toBe(3_600_000);
    board.unplug();
  });

  it('keeps a meter count across board objects: restored from an older state, it is never behind', async () => {
    let now = Date.UTC(2026, 0, 12, 17, 0);
    const sensors = [{ type: 'meter-pulses', id: 'm', pin: 'D2' }];
    const count = async (board: VirtualBoard) => {
      const heard = listen(board);
      board.write([0xf0, 0x01, 0x01, 0x00, 0xf7]); // QUERY channel 0
      await turn();
      return decodePulseReport(heard.sysex.find((m) => m[0] === 0x01)?.slice(1) ?? [])?.count ?? -1;
    };
    const first = make(sensors, { seed: 5 }, () => now);
    first.connect();
    first.write([
      0xf0,
      ...encodePulseConfig({ channel: 0, enabled: true, activeLow: false, pullUp: false, minWidthUs: 5000 }),
      0xf7,
    ]);
    now += 20 * 60_000 + 7_000;
    const saved = first.meterState();
    now += 9_000; // the crash came after the last save, mid-cell
    const reported = await count(first);
    first.unplug();
    expect(reported).toBeGreaterThan(0);
    now += 60_000; // the agent was away a minute; the board kept counting
    const second = new VirtualBoard({
      model: VirtualModel.parse({ speed: 1, seed: 5 }),
      sensors: sensors.map((x) => SensorConfig.parse(x)),
      clock: () => now,
      tickMs: 60_000,
      meter: saved,
    });
    second.connect();
    const restored = await count(second);
    expect(restored).toBeGreaterThanOrEqual(reported);
    // an evening minute of a household is a few Wh at 1 pulse per Wh, not hundreds
    expect(restored - reported).toBeLessThan(200);
    // and what a fresh board counts: nothing yet
    const fresh = make(sensors, { seed: 5 }, () => now);
    fresh.connect();
    expect(await count(fresh)).toBe(0);
    second.unplug();
    fresh.unplug();
  });

  it('reports clamp windows with Irms following the load and the host calibration', async () => {
    let now = Date.UTC(2026, 0, 12, 12, 0);
    const board = make([{ type: 'current-clamp', id: 'c', pin: 'A0' }], { seed: 2 }, () => now);
    const heard = listen(board);
    board.connect();
    board.write([
      0xf0,
      ...encodeClampConfig({ currentChannel: 0, mainsHz: 50, cycles: 100, enabled: true }),
      0xf7,
    ]);
    now += 2000;
    board.write([0xf0, 0x02, 0x02, 0xf7]); // QUERY
    await turn();
    const report = decodeClampReport(heard.sysex.find((s) => s[0] === 0x02)?.slice(1) ?? []);
    // calibration still at its default (1 A/V) while the clamp is 30 A/V: the reading is 30× too low
    const watts = board.env.load.powerAt(now);
    expect(report?.irms).toBeCloseTo(watts / (230 * 0.97) / 30, 3);
    board.unplug();
  });

  it.each(['sds011', 'pms5003'] as const)(
    'an %s on the software serial sends a frame a second, obeys sleep and wake, and reads high while settling',
    async (model) => {
      let now = Date.UTC(2026, 0, 12, 8, 0);
      const board = new VirtualBoard({
        model: VirtualModel.parse({ kind: 'outdoor', speed: 1 }),
        sensors: [SensorConfig.parse({ type: model, id: 'pm', rxPin: 'D8', txPin: 'D9' })],
        clock: () => now,
        tickMs: 5,
      });
      const heard = listen(board);
      const parser = new ParticulateFrameParser(model);
      const frames = () =>
        heard.sysex
          .splice(0)
          .filter((m) => m[0] === FIRMATA.SERIAL_MESSAGE && m[1] === 0x48)
          .flatMap((m) => parser.push(fromPairs(m, 2)));
      const write = (command: 'sleep' | 'wake') =>
        board.write([0xf0, 0x60, 0x28, ...toPairs(encodeParticulateCommand(model, command)), 0xf7]);
      const seconds = async (n: number) => {
        for (let i = 0; i < n; i++) {
          now += 1000;
          await new Promise((r) => setTimeout(r, 15));
        }
      };
      board.connect();
      board.write([0xf0, 0x60, 0x18, 0x00, 0x4b, 0x00, 8, 9, 0xf7, 0xf0, 0x60, 0x38, 0x00, 0xf7]); // config, read
      await seconds(3);
      const truth = board.env.particulates();
      const awake = frames();
      expect(awake.length).toBeGreaterThanOrEqual(2);
      // the SDS011 resolves 0.1 µg/m³, the PMS5003 1 µg/m³
      expect(Math.abs((awake.at(-1)?.pm25 ?? 0) - truth.pm25)).toBeLessThanOrEqual(
        model === 'sds011' ? 0.1 : 0.5,
      );
      write('sleep');
      await seconds(3);
      expect(frames()).toEqual([]);
      write('wake');
      await seconds(2);
      const settling = frames();
      expect(settling.length).toBeGreaterThanOrEqual(1);
      expect(settling[0]?.pm25).toBeGreaterThan(board.env.particulates().pm25 * 1.3);
      board.unplug();
    },
  );
});
