import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBoard } from './fake-board.ts';
import { ParticulateDriver, SAMPLE_MS, WARM_UP_MS } from './particulate.ts';
import { encodeParticulateCommand, ParticulateCommandParser } from './particulate-commands.ts';
import { encodeSds011, ParticulateFrameParser, parsePms5003 } from './particulate-frames.ts';

function pms5003Frame(pm25: number, pm10: number): number[] {
  const words = [28, 0, 0, 0, 0, pm25, pm10, 0, 0, 0, 0, 0, 0, 0];
  const bytes = [0x42, 0x4d, ...words.flatMap((w) => [w >> 8, w & 0xff])];
  const sum = bytes.reduce((a, b) => a + b, 0);
  return [...bytes, sum >> 8, sum & 0xff];
}

describe('particulate frames', () => {
  it('reassembles SDS011 frames split anywhere and skips garbage and bad checksums', () => {
    const p = new ParticulateFrameParser('sds011');
    const good = encodeSds011({ pm25: 12.3, pm10: 20.1 });
    const bad = [...good];
    bad[8] = (bad[8] ?? 0) ^ 1;
    const stream = [0x00, 0xaa, ...bad, ...good];
    expect(p.push(stream.slice(0, 7))).toEqual([]);
    expect(p.push(stream.slice(7))).toEqual([{ pm25: 12.3, pm10: 20.1 }]);
  });

  it('reads PM2.5 and PM10 (atmospheric) from a PMS5003 frame', () => {
    expect(parsePms5003(pms5003Frame(35, 51))).toEqual({ pm25: 35, pm10: 51 });
  });
});

describe('particulate driver', () => {
  it('averages the frames of an interval into µg/m³ readings', async () => {
    const board = new FakeBoard();
    const d = new ParticulateDriver({ id: 'pm', type: 'sds011', rxPin: 'D8' });
    d.attach(board);
    board.emitSerial(encodeSds011({ pm25: 10, pm10: 20 }));
    board.emitSerial(encodeSds011({ pm25: 12, pm10: 22 }));
    expect(await d.read()).toEqual([
      { sensor: 'pm-pm25', quantity: 'pm25', unit: 'µg/m³', value: 11 },
      { sensor: 'pm-pm10', quantity: 'pm10', unit: 'µg/m³', value: 21 },
    ]);
    expect(await d.read()).toEqual([]);
  });

  it('opens the software serial port on the Uno pin numbers: D8 → 8, A3 → 17', () => {
    const board = new FakeBoard();
    const open = vi.spyOn(board, 'serialOpen');
    new ParticulateDriver({ id: 'pm', type: 'pms5003', rxPin: 'A3', txPin: 'D9' }).attach(board);
    expect(open.mock.calls[0]?.slice(0, 3)).toEqual([17, 9, 9600]);
  });
});

describe('particulate sleep and wake commands', () => {
  it('encodes the SDS011 set-sleep and set-work frames of the control protocol', () => {
    const hex = (b: number[]) => b.map((x) => x.toString(16).padStart(2, '0')).join(' ');
    expect(hex(encodeParticulateCommand('sds011', 'sleep'))).toBe(
      'aa b4 06 01 00 00 00 00 00 00 00 00 00 00 00 ff ff 05 ab',
    );
    expect(hex(encodeParticulateCommand('sds011', 'wake'))).toBe(
      'aa b4 06 01 01 00 00 00 00 00 00 00 00 00 00 ff ff 06 ab',
    );
  });

  it('encodes the PMS5003 0xE4 sleep and wakeup commands of the data manual', () => {
    expect(encodeParticulateCommand('pms5003', 'sleep')).toEqual([0x42, 0x4d, 0xe4, 0x00, 0x00, 0x01, 0x73]);
    expect(encodeParticulateCommand('pms5003', 'wake')).toEqual([0x42, 0x4d, 0xe4, 0x00, 0x01, 0x01, 0x74]);
  });

  it('lets a sensor recognise its commands split anywhere, and ignore queries and bad checksums', () => {
    for (const model of ['sds011', 'pms5003'] as const) {
      const p = new ParticulateCommandParser(model);
      const sleep = encodeParticulateCommand(model, 'sleep');
      const wake = encodeParticulateCommand(model, 'wake');
      const bad = [...wake];
      bad[bad.length - 2] = (bad.at(-2) ?? 0) ^ 1;
      const query = [...sleep];
      if (model === 'sds011') {
        query[3] = 0; // "query", not "set"
        query[17] = (query[17] ?? 0) - 1;
      } else query[2] = 0xe1; // another command (passive/active mode)
      const stream = [0x00, ...bad, ...query, ...sleep, ...wake];
      expect([...p.push(stream.slice(0, 9)), ...p.push(stream.slice(9))]).toEqual(['sleep', 'wake']);
    }
  });
});

describe('particulate duty cycle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const frame = (pm25: number) => encodeSds011({ pm25, pm10: pm25 * 2 });

  it('wakes the sensor each period, discards the warm-up frames, averages the window, then sleeps', async () => {
    const board = new FakeBoard();
    const d = new ParticulateDriver({ id: 'pm', type: 'sds011', rxPin: 'D8', txPin: 'D9', periodMinutes: 5 });
    d.attach(board);
    const wake = encodeParticulateCommand('sds011', 'wake');
    const sleep = encodeParticulateCommand('sds011', 'sleep');
    expect(board.serialWrites).toEqual([wake]);
    // warm-up: the fan is settling, these frames read high and are dropped
    board.emitSerial(frame(90));
    await vi.advanceTimersByTimeAsync(WARM_UP_MS - 1000);
    board.emitSerial(frame(80));
    expect(await d.read()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    board.emitSerial(frame(10));
    board.emitSerial(frame(14));
    expect(await d.read()).toEqual([]); // the window is still open
    await vi.advanceTimersByTimeAsync(SAMPLE_MS);
    expect(board.serialWrites).toEqual([wake, sleep]);
    expect(await d.read()).toEqual([
      { sensor: 'pm-pm25', quantity: 'pm25', unit: 'µg/m³', value: 12 },
      { sensor: 'pm-pm10', quantity: 'pm10', unit: 'µg/m³', value: 24 },
    ]);
    expect(await d.read()).toEqual([]);
    // asleep until the next period starts, 5 minutes after the last wake
    await vi.advanceTimersByTimeAsync(5 * 60_000 - WARM_UP_MS - SAMPLE_MS - 1);
    expect(board.serialWrites).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(board.serialWrites).toEqual([wake, sleep, wake]);
    d.detach();
  });

  it('sends the sleep command again when the sensor keeps talking after it', async () => {
    const board = new FakeBoard();
    const d = new ParticulateDriver({ id: 'pm', type: 'sds011', rxPin: 'D8', txPin: 'D9', periodMinutes: 1 });
    d.attach(board);
    await vi.advanceTimersByTimeAsync(WARM_UP_MS + SAMPLE_MS);
    expect(board.serialWrites).toHaveLength(2);
    for (let i = 0; i < 4; i++) board.emitSerial(frame(10)); // a frame or two may be in flight
    expect(board.serialWrites).toHaveLength(2);
    board.emitSerial(frame(10));
    expect(board.serialWrites.at(-1)).toEqual(encodeParticulateCommand('sds011', 'sleep'));
    expect(board.serialWrites).toHaveLength(3);
    d.detach();
  });

  it('runs continuously with period 0, waking a sensor an earlier run left asleep', async () => {
    const board = new FakeBoard();
    const d = new ParticulateDriver({
      id: 'pm',
      type: 'pms5003',
      rxPin: 'D8',
      txPin: 'D9',
      periodMinutes: 0,
    });
    d.attach(board);
    expect(board.serialWrites).toEqual([encodeParticulateCommand('pms5003', 'wake')]);
    board.emitSerial(pms5003Frame(7, 9));
    expect(await d.read()).toEqual([
      { sensor: 'pm-pm25', quantity: 'pm25', unit: 'µg/m³', value: 7 },
      { sensor: 'pm-pm10', quantity: 'pm10', unit: 'µg/m³', value: 9 },
    ]);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(board.serialWrites).toHaveLength(1);
  });

  it('leaves the sensor asleep when the agent stops, and sends nothing without a TX pin', () => {
    const board = new FakeBoard();
    const d = new ParticulateDriver({
      id: 'pm',
      type: 'pms5003',
      rxPin: 'D8',
      txPin: 'D9',
      periodMinutes: 5,
    });
    d.attach(board);
    d.detach();
    expect(board.serialWrites.at(-1)).toEqual(encodeParticulateCommand('pms5003', 'sleep'));
    const rxOnly = new FakeBoard();
    const e = new ParticulateDriver({ id: 'pm', type: 'sds011', rxPin: 'D8' });
    e.attach(rxOnly);
    e.detach();
    expect(rxOnly.serialWrites).toEqual([]);
  });
});
