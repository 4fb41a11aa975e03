import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { precompressDir } from './precompress.ts';

describe('precompressDir', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-dist-'));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes brotli and gzip copies of text files that decompress to the original', async () => {
    fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
    const js = 'const a = "Communs";\n'.repeat(200);
    fs.writeFileSync(path.join(dir, 'assets/index.js'), js);
    fs.writeFileSync(path.join(dir, 'index.html'), '<p>quartier</p>'.repeat(50));
    fs.writeFileSync(path.join(dir, 'photo.png'), Buffer.alloc(2000, 7));
    fs.writeFileSync(path.join(dir, 'tiny.txt'), 'a');
    const written = (await precompressDir(dir)).map((f) => path.relative(dir, f)).sort();
    expect(written).toEqual(['assets/index.js.br', 'assets/index.js.gz', 'index.html.br', 'index.html.gz']);
    expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(dir, 'assets/index.js.br'))).toString()).toBe(
      js,
    );
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'assets/index.js.gz'))).toString()).toBe(js);
  });
});
