import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiPath, getJson } from './http.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

function answer(status: number, body: unknown): void {
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body), { status }));
}

describe('apiPath', () => {
  it('encodes the query and drops undefined parameters', () => {
    expect(apiPath('/api/series', { sensor: 'a/b', from: 1, step: undefined })).toBe('/api/series?sensor=a%2Fb&from=1');
  });
});

describe('getJson', () => {
  it('returns an ok body', async () => {
    answer(200, { status: 'ok', nodes: [] });
    await expect(getJson('/api/nodes')).resolves.toEqual({ status: 'ok', nodes: [] });
  });
  it('turns the error envelope into an ApiError carrying status and sentence', async () => {
    answer(404, { status: 'error', error: 'unknown or revoked link' });
    const err = await getJson('/api/household?token=x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, message: 'unknown or revoked link' });
  });
  it('reports an unreachable hub as status 0', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(getJson('/api/nodes')).rejects.toMatchObject({ status: 0, message: 'network' });
  });
  it('rejects a body that is not JSON (a proxy page) with the status', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>', { status: 502 }));
    await expect(getJson('/api/nodes')).rejects.toMatchObject({ status: 502 });
  });
});
