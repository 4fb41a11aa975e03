import { describe, expect, it } from 'vitest';
import { tasmota } from '../src/interop/tasmota.ts';
import type { DeviceRow } from '../src/store/device-store.ts';

const denky: DeviceRow = {
  node: 'denky',
  format: 'tasmota',
  topic: 'denky_D6C0C0',
  config: { sensors: {}, ignore: [] },
};
const map = (msg: object) =>
  tasmota.map({
    topic: 'tele/denky_D6C0C0/SENSOR',
    payload: Buffer.from(JSON.stringify(msg)),
    device: denky,
    // the hub's clock a second after the telemetry's Time
    now: Date.UTC(2021, 9, 26, 17, 28, 46),
    timeZone: 'UTC',
    live: true,
  });

/** The telemetry the Tasmota Teleinfo documentation shows (historic mode, HC contract). */
const TELEMETRY = {
  Time: '2021-10-26T17:28:45',
  ENERGY: {
    TotalStartTime: '2021-10-25T15:22:04',
    Total: 9098.245,
    Today: 2275.56,
    Power: 170,
    Current: 1.0,
  },
  TIC: {
    ADCO: '021528603314',
    OPTARIF: 'HC..',
    ISOUSC: 15,
    HCHC: 920750,
    HCHP: 2275560,
    PTEC: 'HP..',
    IINST: 1,
    IMAX: 2,
    PAPP: 170,
    HHPHC: 'A',
    MOTDETAT: 0,
  },
};

describe('Tasmota’s TIC block, through the TIC label table', () => {
  it('gives the agent’s series: the registers as parts of ENERGY.Total, apparent power in VA', () => {
    const out = map(TELEMETRY);
    expect(out?.readings.map((r) => `${r.sensor}=${r.value}${r.unit}`)).toEqual([
      'energy=9098.245kWh',
      'power=170W',
      'current=1A',
      'hchc=920750Wh',
      'hchp=2275560Wh',
      'apparent-power=170VA',
    ]);
    const meta = Object.fromEntries(out?.meta.map((m) => [m.id, m]) ?? []);
    expect(meta.hchc).toMatchObject({ quantity: 'energy', unit: 'Wh', partOf: 'energy' });
    expect(meta['apparent-power']).toMatchObject({ quantity: 'apparent_power', unit: 'VA' });
    expect(meta['apparent-power']?.partOf).toBeUndefined();
    expect(out?.meter).toEqual({
      kind: 'tic',
      mode: 'historique',
      phases: 1,
      option: 'HC..',
      subscribedVA: 3000,
      subscribedA: 15,
    });
    expect(out?.status).toEqual({ state: 'online', meter: { period: 'HP..', index: 2, offPeak: false } });
    expect(out?.rejections).toEqual([]);
    expect(JSON.stringify(out)).not.toContain('021528603314');
  });

  it('takes a "Changed" block as it comes: only what changed, nothing about the contract', () => {
    const out = map({ TIC: { PAPP: 160, DEMAIN: 'BLAN' } });
    expect(out?.readings.map((r) => r.sensor)).toEqual(['apparent-power']);
    expect(out?.meter).toBeUndefined();
    expect(out?.status?.meter).toEqual({ tempoTomorrow: 'white' });
  });

  it('rejects, with a reason, a label whose value is not a number', () => {
    const out = map({ TIC: { PAPP: 'n/a', HCHC: 920750 } });
    expect(out?.readings.map((r) => r.sensor)).toEqual(['hchc']);
    expect(out?.rejections).toEqual([
      { reason: 'bad_schema', detail: 'TIC.PAPP: not the number the meter sends, got "n/a"' },
    ]);
  });
});
