import { afterEach, describe, expect, it } from 'vitest';
import { interpretTic } from '../../../protocol/interop/tic.ts';
import { MeterSource } from '../../agent/meters/meter-source.ts';
import { decodeTicFrame } from '../../agent/meters/tic-frame.ts';
import { DAY, dayIndex, HOUR } from '../models/random.ts';
import { LinkyModel, tempoColour } from './linky-model.ts';
import { type MeterWire, meterWire } from './meter-wire.ts';
import { ticFrame } from './tic-compose.ts';
import { VirtualLinky } from './virtual-linky.ts';

const household = { seed: 7, occupants: 3, heatPump: false, electricCar: false };
/** local noon and 23:00 on a winter day, whatever the machine's time zone */
const local = (h: number) => new Date(2026, 0, 14, h).getTime();

describe('the virtual Linky', () => {
  it('counts off-peak hours into HCHC and the others into HCHP, in frames that check out', () => {
    const m = new LinkyModel({ mode: 'historique', contract: 'hc', household, subscribedKva: 6 });
    m.advanceTo(local(11));
    const [hc0, hp0] = m.state().registers;
    m.advanceTo(local(13));
    expect(m.state().registers[0]).toBe(hc0);
    expect(m.state().registers[1]).toBeGreaterThan(hp0 ?? 0);
    m.advanceTo(local(23) + HOUR / 2);
    const frame = decodeTicFrame(ticFrame('historique', m.fields(local(23) + HOUR / 2)).slice(1, -1));
    expect(frame).toMatchObject({ mode: 'historique', bad: 0, badIndex: false });
    expect(interpretTic(frame.values).status).toEqual({ period: 'HC..', index: 1, offPeak: true });
  });

  it('gives every meter the same Tempo colours: red only on winter weekdays, Sundays blue', () => {
    const days = Array.from({ length: 730 }, (_, i) => 20_000 + i);
    const colours = days.map((d) => tempoColour(d));
    const red = days.filter((_, i) => colours[i] === 'red');
    expect(red.length).toBeGreaterThan(10);
    expect(red.every((d) => (d + 3) % 7 < 5)).toBe(true);
    expect(days.filter((d) => (d + 3) % 7 === 6).every((d) => tempoColour(d) === 'blue')).toBe(true);
  });

  it('sends in standard mode the same Tempo colours through STGE, and EAST as the sum of its registers', () => {
    const m = new LinkyModel({ mode: 'standard', contract: 'tempo', household, subscribedKva: 9 });
    m.advanceTo(local(15));
    const frame = decodeTicFrame(ticFrame('standard', m.fields(local(15))).slice(1, -1));
    expect(frame).toMatchObject({ mode: 'standard', bad: 0 });
    const facts = interpretTic(frame.values, 'standard');
    expect(facts.status.tempoToday).toBe(m.period(local(15)).today);
    expect(facts.status.tempoTomorrow).toBe(m.period(local(15)).tomorrow);
    const value = (s: string) => facts.readings.find((r) => r.sensor === s)?.value ?? 0;
    const parts = [1, 2, 3, 4, 5, 6].map((i) => value(`easf0${i}`)).reduce((a, b) => a + b, 0);
    expect(Math.abs(value('east') - parts)).toBeLessThanOrEqual(6);
    expect(facts.meter).toMatchObject({ mode: 'standard', option: 'TEMPO', subscribedVA: 9000 });
  });

  it("announces its red day red in its frames, today's and as tomorrow's the day before", () => {
    const seasonal = new LinkyModel({ mode: 'standard', contract: 'tempo', household, subscribedKva: 9 });
    // a blue day in the season's colours, and its eve
    const day = Array.from({ length: 60 }, (_, i) => dayIndex(local(15)) + i).find(
      (d) => tempoColour(d) === 'blue',
    );
    if (day === undefined) throw new Error('no blue day in two months');
    const noon = local(12) + (day - dayIndex(local(12))) * DAY;
    expect(seasonal.period(noon).today).toBe('blue');
    const m = new LinkyModel({
      mode: 'standard',
      contract: 'tempo',
      household,
      subscribedKva: 9,
      redDay: day,
    });
    m.advanceTo(noon);
    const facts = interpretTic(new Map(m.fields(noon).map(([label, value]) => [label, value])), 'standard');
    expect(facts.status.tempoToday).toBe('red');
    expect(m.period(noon - DAY + 3 * HOUR).tomorrow).toBe('red');
  });
});

describe('the wire from a virtual meter to the agent', () => {
  let wire: MeterWire | undefined;
  let source: MeterSource | undefined;
  let linky: VirtualLinky | undefined;
  afterEach(async () => {
    linky?.stop();
    await source?.stop();
    await wire?.close();
  });

  it.each([
    ['a socat pseudo-terminal, read through the agent’s serial adapter', 'socat'],
    ['an in-process stream where there is no socat', 'no-such-socat'],
  ])('is %s', async (_, command) => {
    wire = await meterWire('test', command);
    expect(wire.path === undefined).toBe(command !== 'socat');
    const lines: string[] = [];
    source = new MeterSource({
      board: { type: 'tic', path: wire.path ?? 'in-process', mode: 'auto' },
      ...(wire.open ? { open: wire.open } : {}),
      log: (l) => lines.push(l),
    });
    source.start();
    const model = new LinkyModel({ mode: 'historique', contract: 'hc', household, subscribedKva: 6 });
    linky = new VirtualLinky({ model, mode: 'historique', wire, everyMs: 200 });
    linky.start();
    const until = Date.now() + 10_000;
    while (source.sensors().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(source.sensors().map((s) => s.id)).toEqual(
      expect.arrayContaining(['hchc', 'hchp', 'apparent-power']),
    );
    expect(lines).toContain('meter: TIC in historique mode (1200 baud, 7E1)');
  });
});
