import { describe, expect, it } from 'vitest';
import { negotiateCoding } from '../src/http/content-coding.ts';

describe('negotiateCoding (RFC 9110 §12.5.3)', () => {
  it('prefers brotli when the client takes both, as browsers do', () => {
    expect(negotiateCoding('gzip, deflate, br, zstd')).toBe('br');
  });
  it('falls back to gzip for a client without brotli', () => {
    expect(negotiateCoding('gzip, deflate')).toBe('gzip');
    expect(negotiateCoding('x-gzip')).toBe('gzip');
  });
  it('sends identity without the header, for identity only, or when every coding is refused', () => {
    expect(negotiateCoding(undefined)).toBeNull();
    expect(negotiateCoding('')).toBeNull();
    expect(negotiateCoding('identity')).toBeNull();
    expect(negotiateCoding('br;q=0, gzip;q=0')).toBeNull();
    expect(negotiateCoding('*;q=0')).toBeNull();
  });
  it('follows the weights, not the order', () => {
    expect(negotiateCoding('br;q=0.2, gzip;q=0.8')).toBe('gzip');
    expect(negotiateCoding('br;q=0, *')).toBe('gzip');
    expect(negotiateCoding('*')).toBe('br');
  });
  it('only offers what the caller has', () => {
    expect(negotiateCoding('br', ['gzip'])).toBeNull();
    expect(negotiateCoding('br, gzip', ['gzip'])).toBe('gzip');
  });
  it('reads repeated headers as one list', () => {
    expect(negotiateCoding(['gzip;q=0.5', 'br'])).toBe('br');
  });
});
