import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-maps-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `body` in a Node of its own with V8's natives syntax, after the ingest modules are imported:
 * `same(a, b)` says whether two objects share a hidden class, which only V8 itself can tell. Each
 * object is made after the code that makes it has run often enough to be optimised.
 */
async function inV8(body: string): Promise<unknown> {
  const file = path.join(dir, `probe-${Math.random().toString(16).slice(2)}.ts`);
  const src = (p: string) => JSON.stringify(path.join(ROOT, p));
  fs.writeFileSync(
    file,
    [
      `import { commitEntry } from ${src('hub/src/ingest/pipeline.ts')};`,
      `import { nativeSubmission } from ${src('hub/src/ingest/submission.ts')};`,
      "const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');",
      'const payload = (i) => Buffer.from(JSON.stringify({ readings: [{ sensor: "p", quantity: "power", unit: "W", value: i % 50, ts: 1.7e12 + i, seq: i }] }));',
      body,
    ].join('\n'),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', file],
    { cwd: ROOT },
  );
  return JSON.parse(stdout);
}

describe('ingest objects keep one hidden class each (V8 reads their fields from its inline caches)', () => {
  it('commit entries made from many messages share one hidden class once the code is optimised', async () => {
    const result = await inV8(`
      let entries = [];
      for (let i = 0; i < 50_000; i++) entries = [commitEntry(nativeSubmission('n1', 'readings', payload(i)), i), ...entries.slice(0, 1)];
      const [a, b] = entries;
      console.log(JSON.stringify({ entries: same(a, b), submissions: same(nativeSubmission('n1', 'readings', payload(1)), nativeSubmission('n2', 'readings', payload(2))) }));
    `);
    expect(result).toEqual({ entries: true, submissions: true });
  }, 60_000);
});
