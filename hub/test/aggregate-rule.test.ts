import { describe, expect, it } from 'vitest';
import { rng } from '../../tests/support/rng.ts';
import {
  type Contribution,
  DEFAULT_POLICY,
  type Exposure,
  figureOf,
  judge,
} from '../src/privacy/aggregate-rule.ts';

const c = (household: string, value: number, exposure: Exposure = 'hidden', weight = 1): Contribution => ({
  household,
  value,
  weight,
  exposure,
});

describe('the aggregate privacy rule', () => {
  it('publishes a figure made only of named series: it tells nothing they do not', () => {
    const j = judge([c('a', 100, 'named'), c('b', 200, 'named')], DEFAULT_POLICY, 'value');
    expect(j).toMatchObject({ publish: true, named: { value: 300, households: 2 } });
    expect(figureOf(j, 'sum')).toBe(300);
  });

  it('withholds a remainder of fewer than k hidden households, however many named ones there are', () => {
    const named = ['n1', 'n2', 'n3', 'n4'].map((h) => c(h, 500, 'named'));
    const j = judge([...named, c('p1', 300), c('p2', 310)], DEFAULT_POLICY, 'value');
    expect(j).toMatchObject({ publish: false, reason: 'too_few', remainder: { households: 2 } });
    expect(judge([...named, c('p1', 300), c('p2', 310), c('p3', 290)], DEFAULT_POLICY, 'value').publish).toBe(
      true,
    );
  });

  it('does not count exposed households towards k, nor lets them be published alone', () => {
    expect(
      judge([c('p1', 300), c('p2', 310), c('x', 290, 'exposed')], DEFAULT_POLICY, 'value'),
    ).toMatchObject({
      publish: false,
      reason: 'too_few',
      remainder: { households: 3 },
    });
    expect(judge([c('x', 290, 'exposed'), c('n', 10, 'named')], DEFAULT_POLICY, 'value').reason).toBe(
      'exposed_only',
    );
  });

  it('withholds a remainder one hidden household dominates (> 50 % of the hidden total), by magnitude', () => {
    const j = judge(
      [c('p1', 2000), c('p2', 500), c('p3', 400), c('n', 9000, 'named')],
      DEFAULT_POLICY,
      'value',
    );
    expect(j).toMatchObject({ publish: false, reason: 'dominated' });
    // a household exporting (negative power) counts by its magnitude
    expect(judge([c('p1', -2000), c('p2', 500), c('p3', 400)], DEFAULT_POLICY, 'value').reason).toBe(
      'dominated',
    );
    expect(judge([c('p1', 900), c('p2', 500), c('p3', 400)], DEFAULT_POLICY, 'value').publish).toBe(true);
  });

  it('measures dominance of an average by series, not by value', () => {
    const j = judge([c('p1', 60, 'hidden', 3), c('p2', 20), c('p3', 21)], DEFAULT_POLICY, 'weight');
    expect(j.reason).toBe('dominated');
    expect(judge([c('p1', 60), c('p2', 20), c('p3', 21)], DEFAULT_POLICY, 'weight').publish).toBe(true);
  });

  it('folds several series of one household into one contribution', () => {
    const j = judge([c('p1', 100), c('p1', 100), c('p2', 150), c('p3', 160)], DEFAULT_POLICY, 'value');
    expect(j).toMatchObject({ publish: true, remainder: { households: 3, weight: 4, value: 510 } });
  });

  it('never goes below k = 3 nor above a 50 % share, whatever the policy says', () => {
    const two = [c('p1', 100), c('p2', 100)];
    expect(judge(two, { k: 1, dominance: 0.5 }, 'value').publish).toBe(false);
    expect(judge([c('p1', 600), c('p2', 200), c('p3', 200)], { k: 3, dominance: 0.9 }, 'value').publish).toBe(
      false,
    );
    expect(judge([...two, c('p3', 100)], { k: 4, dominance: 0.5 }, 'value').reason).toBe('too_few');
  });

  it('averages named and remainder over their series for mean quantities', () => {
    const j = judge(
      [c('n', 40, 'named', 2), c('p1', 20), c('p2', 21), c('p3', 19)],
      DEFAULT_POLICY,
      'weight',
    );
    expect(figureOf(j, 'mean')).toBeCloseTo(20, 10);
  });

  it('property: whenever it publishes, the remainder comes from >= k hidden households, none above the share', () => {
    const random = rng(42);
    const levels: Exposure[] = ['named', 'exposed', 'hidden', 'hidden'];
    for (let run = 0; run < 2000; run++) {
      const n = 1 + Math.floor(random() * 9);
      const list = Array.from({ length: n }, (_, i) =>
        c(
          `h${i}`,
          Math.round((random() - 0.1) * 3000),
          levels[Math.floor(random() * levels.length)] as Exposure,
        ),
      );
      const j = judge(list, DEFAULT_POLICY, 'value');
      const hidden = list.filter((x) => x.exposure === 'hidden');
      const rest = list.filter((x) => x.exposure !== 'named');
      if (!j.publish) continue;
      if (rest.length === 0) continue;
      expect(hidden.length).toBeGreaterThanOrEqual(3);
      const total = hidden.reduce((s, x) => s + Math.abs(x.value), 0);
      for (const x of hidden) expect(Math.abs(x.value)).toBeLessThanOrEqual(0.5 * total + 1e-9);
    }
  });
});
