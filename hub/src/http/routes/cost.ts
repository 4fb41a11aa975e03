import { CostParams, ID_PATTERN } from '../../../../protocol/index.ts';
import type { CostBody } from '../../../../protocol/tariff.ts';
import type { HubContext } from '../../context.ts';
import { type CostSource, costReport } from '../../cost/cost-report.ts';
import { policyOf } from '../../privacy/collective-publisher.ts';
import { publicSensor } from '../../privacy.ts';
import { StepTooFineError } from '../../store/series-query.ts';
import { parseParams, rangeOf } from '../params.ts';
import { HttpError } from '../respond.ts';
import { UNKNOWN_LINK } from './household.ts';

const DAY = 86_400_000;
/** A year and its neighbours: a calendar year, a comparison with the last, a leap day. */
const MAX_SPAN_DAYS = 400;

/**
 * GET /api/cost: what energy cost over a range, in money and CO2, by hour, local day or month
 * (docs/API.md, docs/MONEY.md). Whose energy, under the same rules as /api/series:
 * `quantity=energy` the collective figures as published (docs/PRIVACY.md); `sensor=<node>/<sensor>`
 * one public energy series, or a private one with its household's `token`; `token` alone, the
 * household's own meters summed.
 */
export async function cost(ctx: HubContext, params: URLSearchParams): Promise<CostBody> {
  const query = parseParams(CostParams, params);
  const { from, to } = rangeOf(query, ctx.now(), DAY);
  if (to - from > MAX_SPAN_DAYS * DAY)
    throw new HttpError(
      400,
      `the range is ${Math.ceil((to - from) / DAY)} days: ask for at most ${MAX_SPAN_DAYS}`,
    );
  const { bucket, tz } = query;
  const source = await sourceOf(ctx, query);
  try {
    return costReport(
      { series: ctx.store.series, tariffs: ctx.store.tariffs, settings: ctx.settings.get(), now: ctx.now() },
      { source, from, to, bucket, ...(tz ? { timeZone: tz } : {}) },
    );
  } catch (err) {
    if (err instanceof StepTooFineError) throw new HttpError(400, err.message);
    throw err;
  }
}

async function sourceOf(ctx: HubContext, query: CostParams): Promise<CostSource> {
  const quantity = query.quantity ?? null;
  const sensorParam = query.sensor ?? null;
  if (quantity !== null) {
    if (quantity !== 'energy')
      throw new HttpError(
        400,
        `"quantity" must be energy (cost is of energy), got "${quantity.slice(0, 40)}"`,
      );
    return { kind: 'collective', policy: policyOf(ctx.settings) };
  }
  const owner = await ctx.store.links.resolve(query.token ?? null);
  if (sensorParam !== null) {
    const [node, sensorId, ...rest] = sensorParam.split('/');
    if (!node || !sensorId || rest.length > 0 || !ID_PATTERN.test(node) || !ID_PATTERN.test(sensorId))
      throw new HttpError(400, `"sensor" must be <node>/<sensor>, got "${sensorParam.slice(0, 60)}"`);
    const sensor = ctx.registry.sensor(node, sensorId);
    const mine = owner !== undefined && sensor && ctx.registry.householdOfSensor(sensor.id)?.id === owner;
    if (!sensor || !(mine || publicSensor(ctx.registry, sensor)))
      throw new HttpError(404, `no public series "${sensorParam}"`);
    if (sensor.quantity !== 'energy')
      throw new HttpError(400, `"${sensorParam}" measures ${sensor.quantity}: cost needs an energy series`);
    // a household's public series from when it shared, as in /api/series (docs/PRIVACY.md)
    const household = ctx.registry.householdOfSensor(sensor.id);
    const notBefore = mine || !household ? null : ctx.registry.publicSince(household.id);
    return {
      kind: 'series',
      name: sensorParam,
      sensors: [sensor],
      ...(notBefore !== null && notBefore !== undefined ? { notBefore } : {}),
    };
  }
  if (query.token !== undefined) {
    if (owner === undefined) throw new HttpError(404, UNKNOWN_LINK);
    const sensors = ctx.registry
      .listNodes()
      .filter((n) => n.household_id === owner)
      .flatMap((n) => ctx.registry.sensorsOf(n.id))
      .filter((s) => s.quantity === 'energy');
    return { kind: 'series', name: 'household', sensors };
  }
  throw new HttpError(400, '"quantity=energy", "sensor" (<node>/<sensor>) or "token" is required');
}
