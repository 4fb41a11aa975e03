import { describe, expect, it, vi } from 'vitest';
import { type EventSourceLike, type LiveState, subscribeLive } from './live.ts';

class FakeSource implements EventSourceLike {
  closed = false;
  private listeners = new Map<string, Array<(e: MessageEvent<string>) => void>>();
  addEventListener(type: string, listener: (e: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
  }
  emit(type: string, data = ''): void {
    for (const l of this.listeners.get(type) ?? []) l({ data } as MessageEvent<string>);
  }
}

function setup() {
  const sources: FakeSource[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const states: LiveState[] = [];
  const handlers = {
    aggregate: vi.fn(),
    reading: vi.fn(),
    reconnected: vi.fn(),
    state: (s: LiveState) => states.push(s),
  };
  const stop = subscribeLive(handlers, {
    createSource: () => {
      const s = new FakeSource();
      sources.push(s);
      return s;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    random: () => 1,
  });
  return { sources, timers, states, handlers, stop };
}

const aggregate = { quantity: 'power', unit: 'W', ts: 1, value: 4200, households: 5, sensors: 9 };

describe('subscribeLive', () => {
  it('hands named events to their handler', () => {
    const { sources, handlers } = setup();
    sources[0]?.emit('open');
    sources[0]?.emit('aggregate', JSON.stringify(aggregate));
    expect(handlers.aggregate).toHaveBeenCalledWith(aggregate);
  });

  it('also accepts plain messages that carry their type', () => {
    const { sources, handlers } = setup();
    sources[0]?.emit('message', JSON.stringify({ type: 'reading', series: 'a/b', value: 3 }));
    expect(handlers.reading).toHaveBeenCalledOnce();
  });

  it('ignores a malformed event instead of breaking the stream', () => {
    const { sources, handlers } = setup();
    sources[0]?.emit('aggregate', '{not json');
    sources[0]?.emit('aggregate', JSON.stringify(aggregate));
    expect(handlers.aggregate).toHaveBeenCalledOnce();
  });

  it('reconnects with growing delays and reports the state, then asks for a refetch', () => {
    const { sources, timers, states, handlers } = setup();
    sources[0]?.emit('open');
    sources[0]?.emit('error');
    expect(sources[0]?.closed).toBe(true);
    expect(timers[0]?.ms).toBe(1000);
    timers[0]?.fn();
    sources[1]?.emit('error');
    expect(timers[1]?.ms).toBe(2000);
    timers[1]?.fn();
    sources[2]?.emit('open');
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'live']);
    expect(handlers.reconnected).toHaveBeenCalledOnce();
    // a success resets the backoff
    sources[2]?.emit('error');
    expect(timers[2]?.ms).toBe(1000);
  });

  it('closes the source and stops retrying once unsubscribed', () => {
    const { sources, timers, stop } = setup();
    stop();
    expect(sources[0]?.closed).toBe(true);
    sources[0]?.emit('error');
    expect(timers).toHaveLength(0);
  });
});
