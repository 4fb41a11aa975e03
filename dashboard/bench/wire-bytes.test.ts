import { describe, expect, it } from 'vitest';
import { WireBytes } from './wire-bytes.ts';

describe('WireBytes (bytes on the wire of the slow-phone benchmark)', () => {
  it('counts what arrived by a given time, each request once, streams included', () => {
    const w = new WireBytes();
    w.sent({ type: 'Document', timestamp: 100 });
    w.received({ requestId: 'doc', encodedDataLength: 500, timestamp: 100.4 });
    w.finished({ requestId: 'doc', encodedDataLength: 800, timestamp: 100.5 });
    w.finished({ requestId: 'js', encodedDataLength: 40_000, timestamp: 101.5 });
    w.received({ requestId: 'live', encodedDataLength: 300, timestamp: 102.5 });
    expect(w.until(600)).toBe(800);
    expect(w.until(2000)).toBe(40_800);
    expect(w.total).toBe(41_100);
    expect(w.lastTs).toBe(102.5);
  });
});
