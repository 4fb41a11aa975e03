import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text files worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.webmanifest']);

/**
 * Writes `file.br` and `file.gz` beside every text file under `dir`, at the highest levels (time
 * spent once at build, not on the hub for every request); the hub serves them to browsers that
 * accept them (hub/src/http/static-files.ts). A copy that would not be smaller is not written.
 * Returns the files written.
 */
export async function precompressDir(dir: string): Promise<string[]> {
  const written: string[] = [];
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !COMPRESSIBLE.has(path.extname(entry.name))) continue;
    const file = path.join(entry.parentPath, entry.name);
    const raw = await fs.readFile(file);
    const copies: Array<[string, Buffer]> = [
      [
        `${file}.br`,
        await brotli(raw, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        }),
      ],
      [`${file}.gz`, await gzip(raw, { level: zlib.constants.Z_BEST_COMPRESSION })],
    ];
    for (const [name, bytes] of copies) {
      if (bytes.length >= raw.length) continue;
      await fs.writeFile(name, bytes);
      written.push(name);
    }
  }
  return written;
}

/** The Vite build step: once the bundle is written, precompress the output directory. */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'communs-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      await precompressDir(outDir);
    },
  };
}
