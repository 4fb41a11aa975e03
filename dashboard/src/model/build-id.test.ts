import { describe, expect, it } from 'vitest';
import { buildIdFromHtml } from './build-id.ts';

describe('buildIdFromHtml', () => {
  it("names a build by the hashed module script of Vite's index.html", () => {
    const html = '<head><script type="module" crossorigin src="/assets/index-Co958SPn.js"></script></head>';
    expect(buildIdFromHtml(html)).toBe('/assets/index-Co958SPn.js');
  });
  it('gives null for a page that is not a dashboard build (the hub says it is not built)', () => {
    expect(buildIdFromHtml('{"status":"error"}')).toBeNull();
  });
});
