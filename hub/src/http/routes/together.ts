import type { ChallengesBody } from '../../../../protocol/challenge.ts';
import { type ProductionBody, ProductionParams } from '../../../../protocol/production.ts';
import type { SignalBody } from '../../../../protocol/signal.ts';
import type { HubContext } from '../../context.ts';
import { togetherOf } from '../../together.ts';
import { parseParams } from '../params.ts';

/** GET /api/signal: the neighbourhood signal now (docs/API.md, docs/COLLECTIVE.md). */
export function signal(ctx: HubContext): SignalBody {
  return { status: 'ok', ...togetherOf(ctx).signal.current() };
}

/** GET /api/challenges: every collective challenge, with its baseline, progress or result. */
export function challenges(ctx: HubContext): ChallengesBody {
  return { status: 'ok', challenges: togetherOf(ctx).challenges.views() };
}

/** GET /api/production?date=YYYY-MM-DD (hours) or ?month=YYYY-MM (days); today without either. */
export function production(ctx: HubContext, params: URLSearchParams): ProductionBody {
  const q = parseParams(ProductionParams, params);
  const together = togetherOf(ctx);
  if (q.month) return together.production({ month: q.month });
  return together.production({ date: q.date ?? together.clock().local(ctx.now()).date });
}
