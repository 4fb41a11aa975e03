import { describe, expect, it } from 'vitest';
import { matchRoute, pathOf } from './route.ts';

describe('matchRoute', () => {
  it('maps each view path, with or without a trailing slash', () => {
    expect(matchRoute('/')).toEqual({ kind: 'view', view: 'now' });
    expect(matchRoute('/history/')).toEqual({ kind: 'view', view: 'history' });
    expect(matchRoute('/screen')).toEqual({ kind: 'screen' });
  });
  it('reads a household capability token from /h/<token>', () => {
    expect(matchRoute('/h/Abc_123-xyz456')).toEqual({ kind: 'household', token: 'Abc_123-xyz456' });
  });
  it('refuses a token with characters no token has, so nothing odd reaches the API', () => {
    expect(matchRoute('/h/..%2fapi').kind).toBe('not-found');
    expect(matchRoute('/h/short').kind).toBe('not-found');
  });
  it('round-trips view paths', () => {
    expect(matchRoute(pathOf('footprint'))).toEqual({ kind: 'view', view: 'footprint' });
  });
});
