import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPlan } from '../../firmware/demo/plan.ts';
import { ChallengesBody, type NodesBody, SignalBody } from '../../protocol/index.ts';
import { getJson } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { eventually, rawSeries } from './agent-support.ts';

let hub: TestHub;
/** six households: the sixth is read by a Linky on a Tempo contract, whose day is red in the demo */
const HOUSEHOLDS = 6;

beforeAll(async () => {
  hub = await startTestHub({ demo: HOUSEHOLDS });
}, 120_000);

afterAll(async () => {
  await hub?.stop();
});

describe('demo neighbourhood through the real broker', () => {
  it('brings every node online with its own credentials, no rejection, and history behind it', async () => {
    // the private households' nodes are only counted (docs/PRIVACY.md)
    const plan = demoPlan(HOUSEHOLDS);
    const shared = plan.filter((p) => p.household.sharing !== 'private');
    // a household's power series: its pulse sensor's, or the one its Linky's indexes give
    const POWER: Partial<Record<string, string>> = { 'meter-pulses': 'meter-power', 'linky-tic': 'power' };
    const publicMeter = shared.find((p) => p.household.kind === 'household' && POWER[p.kit]);
    if (!publicMeter) throw new Error(`the demo plan of ${HOUSEHOLDS} households has no public meter`);
    const nodes = await eventually(async () => {
      const { body } = await getJson<NodesBody>(`${hub.httpUrl}/api/nodes`);
      const demo = body.nodes.filter((n) => n.demo);
      return demo.length === shared.length &&
        body.private.nodes === plan.length - shared.length &&
        demo.every((n) => n.state === 'online')
        ? demo
        : undefined;
    }, 150_000);
    const rejecting = nodes.filter((n) => n.rejected > 0);
    expect(
      rejecting.map((n) => ({ node: n.id, reasons: n.rejectedByReason, last: n.lastRejections })),
    ).toEqual([]);
    expect(new Set(nodes.map((n) => n.sharing))).toEqual(new Set(['community', 'open']));
    // three weeks of minute data behind the live readings of a public household
    const from = Date.now() - 20 * 86_400_000;
    const power = await eventually(
      () => rawSeries(hub.httpUrl, `${publicMeter.node}/${POWER[publicMeter.kit]}`, from, 'hour'),
      60_000,
    );
    expect(power.unit).toBe('W');
    expect(power.points.t[0]).toBeLessThan(from + 86_400_000);
    expect(power.points.t.length).toBeGreaterThan(19 * 24);
    const since = Date.now() - 3_600_000;
    const outdoor = await eventually(() => rawSeries(hub.httpUrl, 'demo-square-air/pm-pm25', since), 60_000);
    expect(outdoor.unit).toBe('µg/m³');
  }, 240_000);

  it('reads the second household through a virtual Linky: its registers, history and tariff period', async () => {
    const since = Date.now() - 60_000;
    const live = await eventually(
      () => rawSeries(hub.httpUrl, 'demo-h02-linky/apparent-power', since),
      60_000,
    );
    expect(live.unit).toBe('VA');
    const from = Date.now() - 20 * 86_400_000;
    const hp = await eventually(() => rawSeries(hub.httpUrl, 'demo-h02-linky/hchp', from, 'day'), 30_000);
    expect(hp.points.t.length).toBeGreaterThan(15);
    const meter = hub.hub.store.registry.meters.get('demo-h02-linky');
    expect(meter).toMatchObject({ kind: 'tic', mode: 'historique', option: 'HC..', subscribed_va: 6000 });
    expect(['HC..', 'HP..']).toContain(meter?.period);
  }, 90_000);

  it("says today is a red Tempo day from the demo's Linky, with a challenge running on it", async () => {
    const signal = await eventually(async () => {
      const s = SignalBody.parse((await getJson(`${hub.httpUrl}/api/signal`)).body);
      return s.today.tempo === 'red' ? s : undefined;
    }, 60_000);
    expect(signal.today.tempoSource).toBe('meter:demo-h06-linky');
    // red in the peak hours; the off-peak hours of a red day are the cheap ones, and a single rate's
    // calm hours are Tempo's (22:00–06:00): neither red there
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', {
        hour: 'numeric',
        hourCycle: 'h23',
        timeZone: signal.timeZone,
      }).format(signal.ts),
    );
    const peak = signal.offPeak.now === null ? hour >= 6 && hour < 22 : !signal.offPeak.now;
    const why = `at ${hour}h in ${signal.timeZone}, off-peak ${signal.offPeak.now}`;
    if (peak) expect(signal.light, why).toBe('red');
    else expect(['green', 'neutral'], why).toContain(signal.light);
    const { body } = await getJson(`${hub.httpUrl}/api/challenges`);
    const running = ChallengesBody.parse(body).challenges.filter((c) => c.state === 'live');
    expect(running).toHaveLength(1);
    expect(running[0]?.id).toMatch(/^demo-/);
    // the heat and cold alerts read the square's outdoor sensor (an alert when the weather crosses)
    const weather = await eventually(async () => {
      const s = SignalBody.parse((await getJson(`${hub.httpUrl}/api/signal`)).body);
      return s.weather.sensor ? s.weather : undefined;
    }, 60_000);
    expect(weather.sensor).toBe('demo-square-air/climate-temperature');
  }, 90_000);

  it('measures the solar installation shared by the salle des fêtes, as production', async () => {
    const from = Date.now() - 20 * 86_400_000;
    const solar = await eventually(
      () => rawSeries(hub.httpUrl, 'demo-salle-solar/solar-power', from, 'hour'),
      60_000,
    );
    expect(solar.unit).toBe('W');
    const values = solar.points.value.filter((v): v is number => v !== null);
    // sunny hours and nights in three weeks of history
    expect(Math.max(...values)).toBeGreaterThan(300);
    expect(Math.min(...values)).toBe(0);
    expect(hub.hub.store.registry.sensor('demo-salle-solar', 'solar-power')?.quantity).toBe('power_produced');
  }, 90_000);
});
