import { describe, expect, it } from 'vitest';
import { barScale, labelStride } from './bar-scale.ts';

describe('barScale', () => {
  it('rounds the top up to a round step and lists the ticks', () => {
    expect(barScale(13.2)).toEqual({ top: 15, ticks: [0, 5, 10, 15], digits: 0 });
    expect(barScale(0.42)).toEqual({ top: 0.5, ticks: [0, 0.1, 0.2, 0.3, 0.4, 0.5], digits: 1 });
    expect(barScale(412)).toEqual({ top: 500, ticks: [0, 100, 200, 300, 400, 500], digits: 0 });
    expect(barScale(9)).toEqual({ top: 10, ticks: [0, 2, 4, 6, 8, 10], digits: 0 });
    expect(barScale(2.3)).toEqual({ top: 2.5, ticks: [0, 0.5, 1, 1.5, 2, 2.5], digits: 1 });
  });

  it('a top exactly on a step stays there', () => {
    expect(barScale(20).top).toBe(20);
  });

  it('an empty or zero chart still has a scale', () => {
    expect(barScale(0)).toEqual({ top: 1, ticks: [0, 0.5, 1], digits: 1 });
  });
});

describe('labelStride', () => {
  it('labels every bar when they fit, fewer on a narrow screen', () => {
    expect(labelStride(7, 700, 60)).toBe(1);
    expect(labelStride(31, 1200, 40)).toBe(2);
    expect(labelStride(31, 340, 40)).toBe(4);
    expect(labelStride(24, 300, 50)).toBe(4);
  });
});
