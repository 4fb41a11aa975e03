import { describe, expect, it } from 'vitest';
import { FakeBoard } from './fake-board.ts';
import { ParticulateDriver } from './particulate.ts';
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
});
