import type { ChallengeView } from '../../../protocol/challenge.ts';

const DAY = 24 * 3_600_000;

/**
 * The one challenge a screen shows now: one under way (or whose last hours are being decided),
 * else the result of one that ended less than a day ago, else the next one within a week.
 */
export function featuredChallenge(views: readonly ChallengeView[], now: number): ChallengeView | null {
  const live = views.find((v) => v.state === 'live' || v.state === 'settling');
  if (live) return live;
  const done = views
    .filter((v) => v.state === 'done' && v.end <= now && now - v.end < DAY)
    .sort((a, b) => b.end - a.end)[0];
  if (done) return done;
  const next = views
    .filter((v) => v.state === 'upcoming' && v.start > now && v.start - now < 7 * DAY)
    .sort((a, b) => a.start - b.start)[0];
  return next ?? null;
}

/**
 * How far the neighbourhood is towards its target, 0 to 1: a change of -7 % against a target of
 * -10 % is 0.7; using more than usual is 0.
 */
export function targetProgress(changePct: number, targetPct: number): number {
  if (targetPct >= 0) return changePct <= 0 ? 1 : 0;
  return Math.min(1, Math.max(0, changePct / targetPct));
}
