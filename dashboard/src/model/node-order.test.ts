import { describe, expect, it } from 'vitest';
import { nodeFixture } from '../testing/node-fixtures.ts';
import { orderForRepair } from './node-order.ts';

describe('orderForRepair', () => {
  it('puts offline, then late, then never-seen nodes before online ones', () => {
    const ids = orderForRepair([
      nodeFixture({ id: 'a', state: 'online' }),
      nodeFixture({ id: 'b', state: 'never' }),
      nodeFixture({ id: 'c', state: 'late' }),
      nodeFixture({ id: 'd', state: 'offline' }),
    ]).map((n) => n.id);
    expect(ids).toEqual(['d', 'c', 'b', 'a']);
  });
  it('lists nodes that reject readings first within a state', () => {
    const ids = orderForRepair([nodeFixture({ id: 'a' }), nodeFixture({ id: 'b', rejected: 4 })]).map(
      (n) => n.id,
    );
    expect(ids).toEqual(['b', 'a']);
  });
});
