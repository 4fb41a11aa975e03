import { describe, expect, it } from 'vitest';
import { interpretTic } from './tic.ts';

const facts = (pairs: Array<[string, string | number]>, mode?: 'historique' | 'standard') =>
  interpretTic(new Map(pairs), mode);
const reading = (f: ReturnType<typeof facts>, sensor: string) => f.readings.find((r) => r.sensor === sensor);

describe('the TIC label table', () => {
  it('historic HC contract: two index registers, apparent power, current, the subscription and the period', () => {
    const f = facts(
      [
        ['ADCO', '021528603314'],
        ['OPTARIF', 'HC..'],
        ['ISOUSC', '30'],
        ['HCHC', '001234567'],
        ['HCHP', '002345678'],
        ['PTEC', 'HC..'],
        ['IINST', '002'],
        ['IMAX', '090'],
        ['PAPP', '00390'],
        ['HHPHC', 'A'],
        ['MOTDETAT', '000000'],
      ],
      'historique',
    );
    expect(f.readings).toEqual([
      { sensor: 'hchc', quantity: 'energy', unit: 'Wh', value: 1_234_567 },
      { sensor: 'hchp', quantity: 'energy', unit: 'Wh', value: 2_345_678 },
      { sensor: 'current', quantity: 'current', unit: 'A', value: 2 },
      { sensor: 'apparent-power', quantity: 'apparent_power', unit: 'VA', value: 390 },
    ]);
    expect(f.meter).toEqual({
      kind: 'tic',
      mode: 'historique',
      phases: 1,
      option: 'HC..',
      subscribedVA: 6000,
      subscribedA: 30,
    });
    expect(f.status).toEqual({ period: 'HC..', index: 1, offPeak: true });
    // the meter's address names the delivery point: it goes nowhere
    expect(JSON.stringify(f)).not.toContain('021528603314');
  });

  it('Tempo: six registers, today from PTEC, tomorrow from DEMAIN (or not announced yet)', () => {
    const labels: Array<[string, string]> = [
      ['OPTARIF', 'BBR('],
      ['BBRHCJB', '000100000'],
      ['BBRHPJB', '000200000'],
      ['BBRHCJW', '000030000'],
      ['BBRHPJW', '000040000'],
      ['BBRHCJR', '000005000'],
      ['BBRHPJR', '000006000'],
      ['PTEC', 'HPJW'],
      ['DEMAIN', 'ROUG'],
      ['PAPP', '01250'],
    ];
    const f = facts(labels);
    expect(f.readings.filter((r) => r.quantity === 'energy').map((r) => r.sensor)).toEqual([
      'bbrhcjb',
      'bbrhpjb',
      'bbrhcjw',
      'bbrhpjw',
      'bbrhcjr',
      'bbrhpjr',
    ]);
    expect(f.status).toEqual({
      period: 'HPJW',
      index: 4,
      offPeak: false,
      tempoToday: 'white',
      tempoTomorrow: 'red',
    });
    const before = facts(labels.map(([l, v]) => [l, l === 'DEMAIN' ? '----' : v]));
    expect(before.status.tempoTomorrow).toBeNull();
  });

  it('standard three-phase: EAST is the whole, EASFnn/EASDnn and SINSTSn its parts', () => {
    const f = facts(
      [
        ['ADSC', '041776199904'],
        ['NGTF', '      TEMPO     '],
        ['LTARF', '    HP BLEU     '],
        ['EAST', '012345678'],
        ['EASF01', '004000000'],
        ['EASF02', '008345678'],
        ['EASD01', '012345678'],
        ['IRMS1', '003'],
        ['IRMS2', '001'],
        ['IRMS3', '000'],
        ['URMS1', '231'],
        ['URMS2', '229'],
        ['URMS3', '230'],
        ['PREF', '12'],
        ['SINSTS', '01100'],
        ['SINSTS1', '00700'],
        ['SINSTS2', '00250'],
        ['SINSTS3', '00150'],
        ['NTARF', '02'],
        // bits 24-25 today = 1 (blue), 26-27 tomorrow = 2 (white), 10-13 supplier index 1 (from 0)
        ['STGE', '09000400'],
      ],
      'standard',
    );
    const parts = Object.fromEntries(f.sensors.filter((s) => s.partOf).map((s) => [s.id, s.partOf]));
    expect(parts).toEqual({
      easf01: 'east',
      easf02: 'east',
      easd01: 'east',
      'apparent-power-l1': 'apparent-power',
      'apparent-power-l2': 'apparent-power',
      'apparent-power-l3': 'apparent-power',
    });
    expect(reading(f, 'voltage-l2')).toEqual({
      sensor: 'voltage-l2',
      quantity: 'voltage',
      unit: 'V',
      value: 229,
    });
    expect(f.meter).toEqual({
      kind: 'tic',
      mode: 'standard',
      phases: 3,
      option: 'TEMPO',
      subscribedVA: 12_000,
    });
    expect(f.status).toEqual({
      period: 'HP BLEU',
      offPeak: false,
      index: 2,
      tempoToday: 'blue',
      tempoTomorrow: 'white',
    });
  });

  it('a producer: EAIT is energy exported, and the meter says it produces', () => {
    const f = facts([
      ['EAST', '000500000'],
      ['EAIT', '000123456'],
      ['SINSTS', '00000'],
      ['LTARF', '      BASE      '],
    ]);
    expect(reading(f, 'eait')).toEqual({
      sensor: 'eait',
      quantity: 'energy_exported',
      unit: 'Wh',
      value: 123_456,
    });
    expect(f.meter.producer).toBe(true);
    expect(f.status).toEqual({ period: 'BASE' });
  });

  it('takes Tasmota’s numbers as they come, and names a field that is not a number', () => {
    const f = facts([
      ['HCHC', 920750],
      ['ISOUSC', 15],
      ['PAPP', 'x0170'],
      ['IINST', -1],
      ['STGE', 'ZZ'],
    ]);
    expect(f.readings).toEqual([{ sensor: 'hchc', quantity: 'energy', unit: 'Wh', value: 920_750 }]);
    expect(f.meter.subscribedA).toBe(15);
    expect(f.malformed).toEqual(['PAPP', 'IINST', 'STGE']);
  });
});
