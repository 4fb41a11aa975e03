import {
  ID_PATTERN,
  QUANTITIES,
  QUANTITY_NAMES,
  type Quantity,
  type SeriesBody,
  SeriesParams,
} from '../../../../protocol/index.ts';
import type { HubContext } from '../../context.ts';
import { describeGaps } from '../../privacy/aggregate-rule.ts';
import { basePeriod, policyOf } from '../../privacy/collective-publisher.ts';
import { publicSensor } from '../../privacy.ts';
import { pointsParts } from '../../store/points-json.ts';
import { type SeriesResult, StepTooFineError } from '../../store/series-query.ts';
import { parseParams, rangeOf } from '../params.ts';
import { HttpError } from '../respond.ts';

/**
 * GET /api/series: one series (`sensor=<node>/<sensor>`) or the collective aggregate of a quantity
 * (`quantity=power`). A private household's series answers as an unknown one, except to its owner:
 * `owner` is the household a valid private link opened (undefined without one). Answers the
 * `SeriesBody` as JSON text in parts: the points arrive serialised from the store (docs/PERFORMANCE.md, queries).
 */
export async function series(
  ctx: HubContext,
  params: URLSearchParams,
  owner?: string,
): Promise<readonly (string | Uint8Array)[]> {
  const query = parseParams(SeriesParams, params);
  const { from, to } = rangeOf(query, ctx.now(), 86_400_000);
  const { step } = query;
  const sensorParam = query.sensor ?? null;
  const quantityParam = query.quantity ?? null;
  try {
    if (quantityParam !== null) {
      if (!(QUANTITY_NAMES as string[]).includes(quantityParam)) {
        throw new HttpError(
          400,
          `"quantity" must be one of ${QUANTITY_NAMES.join(', ')}, got "${quantityParam.slice(0, 40)}"`,
        );
      }
      const quantity = quantityParam as Quantity;
      const r = ctx.store.series.collective(quantity, from, to, step, basePeriod(quantity));
      const policy = policyOf(ctx.settings);
      const gaps = r.gaps;
      const head: Omit<SeriesBody, 'points' | 'named'> = {
        status: 'ok',
        series: `collective/${quantity}`,
        quantity,
        unit: QUANTITIES[quantity].unit,
        step: r.step,
        stepMs: r.stepMs,
        from,
        to,
        households: r.households,
      };
      if (gaps.length > 0) {
        head.gaps = gaps;
        head.withheld = describeGaps(gaps, r.points.t.length, policy);
      }
      return [
        `${JSON.stringify(head).slice(0, -1)},"named":{"households":${r.named.households},"points":`,
        ...pointsParts(r.named.points),
        '},"points":',
        ...pointsParts(r.points),
        '}',
      ];
    }
    if (sensorParam === null)
      throw new HttpError(400, '"sensor" (<node>/<sensor>) or "quantity" is required');
    const [node, sensorId, ...rest] = sensorParam.split('/');
    if (!node || !sensorId || rest.length > 0 || !ID_PATTERN.test(node) || !ID_PATTERN.test(sensorId)) {
      throw new HttpError(400, `"sensor" must be <node>/<sensor>, got "${sensorParam.slice(0, 60)}"`);
    }
    const sensor = ctx.registry.sensor(node, sensorId);
    const mine = owner !== undefined && sensor && ctx.registry.householdOfSensor(sensor.id)?.id === owner;
    if (!sensor || !(mine || publicSensor(ctx.registry, sensor)))
      throw new HttpError(404, `no public series "${sensorParam}"`);
    // a household's series is public from the first bucket that began once it shared (its past
    // stays in the private remainder of the collective figures: docs/PRIVACY.md)
    const household = ctx.registry.householdOfSensor(sensor.id);
    const notBefore = mine || !household ? undefined : ctx.registry.publicSince(household.id);
    const r = await ctx.store.series.seriesRead(sensor, from, to, step, notBefore ?? undefined);
    const head: Omit<SeriesBody, 'points'> = {
      status: 'ok',
      series: sensorParam,
      quantity: sensor.quantity,
      unit: QUANTITIES[sensor.quantity].unit,
      step: r.step,
      stepMs: r.stepMs,
      from,
      to,
    };
    return bodyText(head, r);
  } catch (err) {
    if (err instanceof StepTooFineError) throw new HttpError(400, `"step": ${err.message}`);
    throw err;
  }
}

/** `head` with the result's points as its last member, without parsing them again. */
function bodyText(head: Omit<SeriesBody, 'points'>, r: SeriesResult): readonly (string | Uint8Array)[] {
  return [`${JSON.stringify(head).slice(0, -1)},"points":`, ...pointsParts(r.points), '}'];
}
