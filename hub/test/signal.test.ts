import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MetaMessage,
  SignalBody,
  SignalMessage,
  type StatusMessage,
  topics,
} from '../../protocol/index.ts';
import type { SignalDay } from '../../protocol/signal.ts';
import type { Tariff } from '../../protocol/tariff.ts';
import { connectNode, getJson, sendMeta, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { LocalClock } from '../src/cost/local-time.ts';
import type { HourPoint } from '../src/published-figures.ts';
import { offPeakAt } from '../src/signal/local-hours.ts';
import { computeSignal, type SignalInputs } from '../src/signal/signal.ts';
import { weatherAt } from '../src/signal/weather-alert.ts';

const HOUR = 3_600_000;
const paris = new LocalClock({ timeZone: 'Europe/Paris' });
/** The UTC instant of a Paris wall-clock time in winter (UTC+1). */
const at = (local: string) => Date.parse(`${local}:00+01:00`);

const TEMPO: Tariff = {
  model: 'tempo',
  from: '2025-01-01',
  dailyCharge: 0.5,
  prices: {
    blue: { peak: 0.16, offPeak: 0.13 },
    white: { peak: 0.19, offPeak: 0.15 },
    red: { peak: 0.66, offPeak: 0.16 },
  },
};
const SINGLE: Tariff = { model: 'single', from: '2025-01-01', perKwh: 0.25, dailyCharge: 0.4 };
const THRESHOLDS = { heatDayC: 34, heatNightC: 20, coldC: 0, severeColdC: -5, extremeColdC: -10 };

function inputs(over: Partial<SignalInputs> & { days?: Record<string, Partial<SignalDay>> }): SignalInputs {
  const days = over.days ?? {};
  return {
    now: at('2026-12-12T18:30'),
    clock: paris,
    tariffs: [TEMPO],
    day: (date) => ({ tempo: null, tempoSource: null, ecowatt: null, note: null, ...days[date] }),
    outdoor: null,
    thresholds: THRESHOLDS,
    production: null,
    ...over,
  };
}

describe('the light', () => {
  it('a red Tempo day in its peak hours is red, until the off-peak hours begin at 22:00', () => {
    const s = computeSignal(
      inputs({
        days: { '2026-12-12': { tempo: 'red', tempoSource: 'console', note: 'Soirée sobre à 18 h' } },
      }),
    );
    expect(s.light).toBe('red');
    expect(s.reasons).toEqual(['tempo-red']);
    expect(s.offPeak).toEqual({
      windows: [{ from: '22:00', to: '06:00' }],
      now: false,
      nextChange: at('2026-12-12T22:00'),
    });
    expect(s.words.en).toBe(
      'Red Tempo day: let us hold back on electricity until 22:00. Soirée sobre à 18 h',
    );
    expect(s.words.fr).toBe('Jour rouge Tempo : modérons l’électricité jusqu’à 22:00. Soirée sobre à 18 h');
  });

  it('the same red day at 23:00 is in its off-peak hours: green; at 03:00 the 13th it is still the 12th', () => {
    const days = { '2026-12-12': { tempo: 'red' as const } };
    const late = computeSignal(inputs({ now: at('2026-12-12T23:00'), days }));
    expect([late.light, late.reasons, late.today.date]).toEqual(['green', ['off-peak'], '2026-12-12']);
    const night = computeSignal(inputs({ now: at('2026-12-13T03:00'), days }));
    expect([night.today.date, night.today.tempo, night.tomorrow.date]).toEqual([
      '2026-12-12',
      'red',
      '2026-12-13',
    ]);
    expect(night.offPeak.nextChange).toBe(at('2026-12-13T06:00'));
  });

  it('white Tempo and EcoWatt orange are orange; EcoWatt red is red on a single rate, 06:00 to 22:00', () => {
    expect(computeSignal(inputs({ days: { '2026-12-12': { tempo: 'white' } } })).light).toBe('orange');
    const orange = computeSignal(
      inputs({ tariffs: [SINGLE], days: { '2026-12-12': { ecowatt: 'orange' } } }),
    );
    expect([orange.light, orange.reasons, orange.offPeak.now]).toEqual(['orange', ['ecowatt-orange'], null]);
    const red = computeSignal(
      inputs({ tariffs: [SINGLE], days: { '2026-12-12': { ecowatt: 'red', tempo: 'white' } } }),
    );
    expect([red.light, red.reasons]).toEqual(['red', ['ecowatt-red']]);
    expect(red.words.en).toContain('until 22:00');
    const night = computeSignal(
      inputs({ tariffs: [SINGLE], now: at('2026-12-12T22:30'), days: { '2026-12-12': { ecowatt: 'red' } } }),
    );
    expect(night.light).toBe('neutral');
  });

  it('the sun covering half the neighbourhood or more is green, with the share in words', () => {
    const sunny = computeSignal(
      inputs({
        tariffs: [SINGLE],
        now: at('2026-06-12T13:00'),
        production: { producedW: 3300, consumedW: 5000, share: 0.66, ts: 0 },
      }),
    );
    expect([sunny.light, sunny.reasons]).toEqual(['green', ['sun']]);
    expect(sunny.words.en).toBe(
      'The sun covers 66 % of the neighbourhood now — a good time for the washing machine.',
    );
    expect(sunny.words.fr).toContain('Le soleil couvre 66 % du quartier');
    const little = computeSignal(
      inputs({ tariffs: [SINGLE], production: { producedW: 300, consumedW: 5000, share: 0.06, ts: 0 } }),
    );
    expect([little.light, little.words.en]).toEqual(['neutral', 'Normal hours.']);
  });

  it("tomorrow's colour is told beside today's light", () => {
    const s = computeSignal(
      inputs({ now: at('2026-12-11T20:00'), days: { '2026-12-12': { tempo: 'red' } } }),
    );
    expect(s.light).toBe('neutral');
    expect(s.words.en).toBe('Normal hours. Tomorrow: a red Tempo day.');
    expect(s.words.fr).toBe('Heures normales. Demain : jour rouge Tempo.');
  });
});

describe('off-peak hours', () => {
  it('an HP/HC window across midnight: the next change, on a daylight-saving night too', () => {
    const hphc: Tariff = {
      model: 'peak-offpeak',
      from: '2025-01-01',
      dailyCharge: 0.4,
      peak: 0.25,
      offPeak: 0.2,
      offPeakHours: [
        { from: '23:00', to: '07:00' },
        { from: '13:00', to: '15:00', months: [4, 10] },
      ],
    };
    const winter = offPeakAt(hphc, paris, at('2026-12-12T16:00'));
    expect(winter).toEqual({
      windows: [{ from: '23:00', to: '07:00' }],
      now: false,
      nextChange: at('2026-12-12T23:00'),
    });
    // 29 March 2026: clocks go from 02:00 to 03:00; 07:00 summer time is 05:00 UTC
    const spring = offPeakAt(hphc, paris, Date.parse('2026-03-29T00:30:00Z'));
    expect(spring.now).toBe(true);
    expect(spring.nextChange).toBe(Date.parse('2026-03-29T05:00:00Z'));
  });
});

/** Hourly outdoor figures ending at `end`, from a function of the hour before `end`. */
function hours(end: number, n: number, f: (k: number) => [min: number, max: number]): HourPoint[] {
  const out: HourPoint[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const [min, max] = f(k);
    out.push({ t: end - (k + 1) * HOUR, mean: (min + max) / 2, min, max });
  }
  return out;
}

describe('heat and cold', () => {
  const now = at('2026-12-12T09:00');
  it('cold below 0 °C overnight; severe at -5 °C and extreme at -10 °C with a day below 0 °C', () => {
    const mild = weatherAt(
      hours(now, 24, (k) => (k === 5 ? [0.5, 1] : [3, 8])),
      now,
      THRESHOLDS,
    );
    expect(mild.alert).toBeNull();
    const cold = weatherAt(
      hours(now, 24, (k) => (k === 5 ? [-1.5, -1] : [3, 8])),
      now,
      THRESHOLDS,
    );
    expect([cold.alert, cold.min24, cold.max24]).toEqual(['cold', -1.5, 8]);
    const severe = weatherAt(
      hours(now, 24, (k) => (k === 5 ? [-6, -5] : [-3, -0.5])),
      now,
      THRESHOLDS,
    );
    expect(severe.alert).toBe('severe-cold');
    // a minimum of -6 °C after a day above 0 °C is cold, not severe cold
    expect(
      weatherAt(
        hours(now, 24, (k) => (k === 5 ? [-6, -5] : [-3, 2])),
        now,
        THRESHOLDS,
      ).alert,
    ).toBe('cold');
    const extreme = weatherAt(
      hours(now, 24, (k) => (k === 5 ? [-11, -10] : [-4, -1])),
      now,
      THRESHOLDS,
    );
    expect(extreme.alert).toBe('extreme-cold');
  });

  it('heat when the three-day means of maxima and minima reach the thresholds; a silent sensor says nothing', () => {
    // days 35/21, 34/20, 33/19: means 34 and 20, exactly the Rhône's thresholds
    const day = (k: number): [number, number] => {
      const d = Math.floor(k / 24);
      return k % 24 === 12 ? [30, 35 - d] : k % 24 === 2 ? [21 - d, 25] : [24, 28];
    };
    expect(weatherAt(hours(now, 72, day), now, THRESHOLDS).alert).toBe('heat');
    // one degree less at night on the oldest day: the nights cool down enough
    const cooler = (k: number): [number, number] => (k === 48 + 2 ? [18, 25] : day(k));
    expect(weatherAt(hours(now, 72, cooler), now, THRESHOLDS).alert).toBeNull();
    const silent = weatherAt(
      hours(now - 4 * HOUR, 24, () => [-8, -2]),
      now,
      THRESHOLDS,
    );
    expect(silent).toEqual({ alert: null, celsius: null, ts: null, min24: null, max24: null });
  });
});

describe('the signal on a hub: console, API, MQTT', () => {
  let th: TestHub;
  const T = at('2026-12-12T18:30');
  beforeAll(async () => {
    th = await startTestHub({ now: () => T });
    for (const line of [
      'settings set timezone Europe/Paris',
      'tariff set tempo --blue-hp 0.16 --blue-hc 0.13 --white-hp 0.19 --white-hc 0.15 --red-hp 0.66 --red-hc 0.16 --daily 0.60 --from 2026-01-01',
    ]) {
      const r = await th.run(line);
      expect(r.code, r.output).toBe(0);
    }
  });
  afterAll(() => th?.stop());

  it('signal set on the console makes the light red on /api/signal, the retained MQTT message and the cost', async () => {
    const set = await th.run('signal set 2026-12-12 red "Soirée sobre de 18 h à 20 h"');
    expect(set.code, set.output).toBe(0);
    const { body } = await getJson(`${th.httpUrl}/api/signal`);
    const s = SignalBody.parse(body);
    expect([s.light, s.today.tempo, s.today.tempoSource, s.today.note]).toEqual([
      'red',
      'red',
      'console',
      'Soirée sobre de 18 h à 20 h',
    ]);
    // the same day is the red day the money module prices
    expect(th.hub.store.tariffs.tempoDay('2026-12-12')?.colour).toBe('red');

    const { secret } = await th.addNode('listener');
    const out = await mosquittoSub(th, 'listener', secret, topics.publicSignal);
    const message = SignalMessage.parse(JSON.parse(out));
    expect([message.light, message.today.tempo]).toEqual(['red', 'red']);
    expect(message.words.fr).toContain('Jour rouge Tempo');
  });

  it('EcoWatt days and notes; clear; a wrong word or date is one line with the usage', async () => {
    expect((await th.run('signal set tomorrow ecowatt-orange')).code).toBe(0);
    let s = SignalBody.parse((await getJson(`${th.httpUrl}/api/signal`)).body);
    expect([s.tomorrow.date, s.tomorrow.ecowatt]).toEqual(['2026-12-13', 'orange']);
    expect(s.words.en).toContain('Tomorrow: an EcoWatt orange alert.');
    expect((await th.run('signal clear 2026-12-13')).code).toBe(0);
    s = SignalBody.parse((await getJson(`${th.httpUrl}/api/signal`)).body);
    expect(s.tomorrow.ecowatt).toBeNull();
    const bad = await th.run('signal set 2026-12-12 purple');
    expect(bad.code).toBe(2);
    expect(bad.output).toBe(
      'error: the level must be one of blue, white, red, ecowatt-orange, ecowatt-red, got "purple" — usage: signal set YYYY-MM-DD|today|tomorrow blue|white|red|ecowatt-orange|ecowatt-red ["note"]',
    );
    const date = await th.run('signal set 2026-02-30 red');
    expect([date.code, date.output.split(' — ')[0]]).toEqual([
      2,
      'error: the day must be a date YYYY-MM-DD, got "2026-02-30"',
    ]);
  });

  it('a cold night on the shared outdoor sensor: an alert with words; a private sensor is refused', async () => {
    th.addHousehold('square', 'open', 'place');
    const { secret } = await th.addNode('square-air', { household: 'square' });
    const client = await connectNode(th.mqttUrl, 'square-air', secret);
    await sendMeta(client, 'square-air', [{ id: 'temperature', quantity: 'temperature', unit: '°C' }]);
    const readings = Array.from({ length: 20 }, (_, k) => ({
      sensor: 'temperature',
      quantity: 'temperature' as const,
      unit: '°C',
      value: k === 10 ? -2.5 : 4,
      ts: T - (20 - k) * HOUR + 60_000,
      seq: k,
    }));
    await sendReadings(client, 'square-air', readings);
    await client.endAsync();

    const { secret: s2 } = await th.addNode('home-thermo', { household: 'home', sharing: 'private' });
    const c2 = await connectNode(th.mqttUrl, 'home-thermo', s2);
    await sendMeta(c2, 'home-thermo', [{ id: 'temperature', quantity: 'temperature', unit: '°C' }]);
    await c2.endAsync();
    await waitFor(() => th.hub.store.registry.sensor('home-thermo', 'temperature') !== undefined);
    const refused = await th.run('signal outdoor home-thermo/temperature');
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('belongs to a private household');

    const set = await th.run('signal outdoor square-air/temperature');
    expect(set.code, set.output).toBe(0);
    const s = SignalBody.parse((await getJson(`${th.httpUrl}/api/signal`)).body);
    expect(s.weather).toMatchObject({
      alert: 'cold',
      sensor: 'square-air/temperature',
      min24: -2.5,
      max24: 4,
    });
    expect(s.words.en).toContain('Cold (-2.5 °C overnight): check on your neighbours.');
    expect(s.words.fr).toContain('Froid (-2,5 °C cette nuit) : prenez des nouvelles de vos voisins.');

    // the place stops sharing: the public signal stops reading its sensor
    expect((await th.run('household sharing square private')).code).toBe(0);
    const after = SignalBody.parse((await getJson(`${th.httpUrl}/api/signal`)).body);
    expect([after.weather.alert, after.weather.sensor]).toEqual([null, null]);
  });
});

describe("the signal from a Linky's TIC", () => {
  let th: TestHub;
  const T = at('2026-12-12T18:30');
  beforeAll(async () => {
    th = await startTestHub({ now: () => T });
    for (const line of [
      'settings set timezone Europe/Paris',
      'tariff set tempo --blue-hp 0.16 --blue-hc 0.13 --white-hp 0.19 --white-hc 0.15 --red-hp 0.66 --red-hc 0.16 --daily 0.60 --from 2026-01-01',
    ]) {
      const r = await th.run(line);
      expect(r.code, r.output).toBe(0);
    }
  });
  afterAll(() => th?.stop());

  /** The signal once `ok` holds of it (the meter's word arrives with its status, asynchronously). */
  async function signalWhen(ok: (s: SignalBody) => boolean): Promise<SignalBody> {
    let s = SignalBody.parse((await getJson(`${th.httpUrl}/api/signal`)).body);
    const until = Date.now() + 10_000;
    while (!ok(s) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      s = SignalBody.parse((await getJson(`${th.httpUrl}/api/signal`)).body);
    }
    return s;
  }

  it("a meter's status saying today is red makes the light red; the console's word on a day stands over it", async () => {
    const before = SignalBody.parse((await getJson(`${th.httpUrl}/api/signal`)).body);
    expect(before.today.tempo).toBeNull();

    const { secret } = await th.addNode('linky-hall', { household: 'hall' });
    const client = await connectNode(th.mqttUrl, 'linky-hall', secret);
    const meta: MetaMessage = {
      node: 'linky-hall',
      board: 'linky',
      sensors: [{ id: 'east', quantity: 'energy', unit: 'Wh' }],
      meter: { kind: 'tic', mode: 'standard', phases: 1, option: 'TEMPO', subscribedVA: 9000 },
    };
    await client.publishAsync(topics.meta('linky-hall'), JSON.stringify(meta), { qos: 1, retain: true });
    const status = (today: 'red' | 'white', tomorrow: 'red' | 'white'): StatusMessage => ({
      state: 'online',
      meter: {
        period: `HP ${today.toUpperCase()}`,
        offPeak: false,
        tempoToday: today,
        tempoTomorrow: tomorrow,
      },
    });
    await client.publishAsync(topics.status('linky-hall'), JSON.stringify(status('red', 'white')), {
      qos: 1,
    });

    const s = await signalWhen((x) => x.today.tempo !== null);
    expect([s.light, s.today.tempo, s.today.tempoSource, s.tomorrow.tempo]).toEqual([
      'red',
      'red',
      'meter:linky-hall',
      'white',
    ]);
    expect(s.words.en).toContain('Red Tempo day');
    // the cost of the day reads the same colour
    expect(th.hub.store.tariffs.tempoDay('2026-12-12')).toEqual({
      colour: 'red',
      source: 'meter:linky-hall',
    });

    // the admin says tomorrow is blue: a meter saying red afterwards does not overturn it
    expect((await th.run('signal set tomorrow blue')).code).toBe(0);
    await client.publishAsync(topics.status('linky-hall'), JSON.stringify(status('white', 'red')), {
      qos: 1,
    });
    const after = await signalWhen((x) => x.today.tempo === 'white');
    expect([after.today.tempo, after.tomorrow.tempo, after.tomorrow.tempoSource]).toEqual([
      'white',
      'blue',
      'console',
    ]);
    await client.endAsync();
  });
});

async function waitFor(ok: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The first message a real mosquitto_sub receives on `topic` (a retained one at once). */
function mosquittoSub(th: TestHub, user: string, secret: string, topic: string): Promise<string> {
  const sub = spawn('mosquitto_sub', [
    ...['-h', '127.0.0.1', '-p', String(th.mqttPort), '-u', user, '-P', secret],
    ...['-t', topic, '-C', '1', '-W', '10'],
  ]);
  let out = '';
  sub.stdout.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) =>
    sub.on('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`mosquitto_sub exited ${code}`)),
    ),
  );
}
