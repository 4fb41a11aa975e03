import { describe, expect, it } from 'vitest';
import type { ChallengeView } from '../../../protocol/challenge.ts';
import { featuredChallenge, targetProgress } from './featured-challenge.ts';

const H = 3_600_000;
const NOW = Date.parse('2026-12-12T18:30:00Z');

function view(id: string, state: ChallengeView['state'], start: number): ChallengeView {
  return {
    id,
    title: id,
    date: '2026-12-12',
    from: '18:00',
    to: '20:00',
    targetPct: -10,
    start,
    end: start + 2 * H,
    state,
    baseline: null,
    hours: [],
    figures: null,
    now: null,
  };
}

describe('featuredChallenge', () => {
  it('prefers one under way, then a result of less than a day, then the next within a week', () => {
    const live = view('live', 'live', NOW - H / 2);
    const done = view('done', 'done', NOW - 10 * H);
    const old = view('old', 'done', NOW - 30 * H);
    const soon = view('soon', 'upcoming', NOW + 2 * 24 * H);
    const far = view('far', 'upcoming', NOW + 9 * 24 * H);
    expect(featuredChallenge([done, soon, live], NOW)?.id).toBe('live');
    expect(featuredChallenge([view('s', 'settling', NOW - 3 * H), done], NOW)?.id).toBe('s');
    expect(featuredChallenge([old, soon, done], NOW)?.id).toBe('done');
    expect(featuredChallenge([old, far, soon], NOW)?.id).toBe('soon');
    expect(featuredChallenge([old, far], NOW)).toBeNull();
  });
});

describe('targetProgress', () => {
  it('is the share of the target reached, between 0 and 1', () => {
    expect(targetProgress(-7, -10)).toBeCloseTo(0.7);
    expect(targetProgress(-14, -10)).toBe(1);
    expect(targetProgress(5, -10)).toBe(0);
    expect(targetProgress(0, 0)).toBe(1);
  });
});
