import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELDS as AIRROHR_FIELDS } from '../../hub/src/interop/airrohr.ts';
import { CLIMATE_KEYS, ENERGY_KEYS } from '../../hub/src/interop/tasmota.ts';
import { MIGRATIONS } from '../../hub/src/store/migrations.ts';
import { NodeAgentConfig, QUANTITY_NAMES, REJECT_REASONS } from '../../protocol/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

describe('docs stay true to the code', () => {
  it('docs/PROTOCOL.md lists every quantity and every rejection reason', () => {
    const doc = read('docs/PROTOCOL.md');
    for (const q of QUANTITY_NAMES) expect(doc, q).toContain(`\`${q}\``);
    for (const r of REJECT_REASONS) expect(doc, r).toContain(`\`${r}\``);
  });

  it('docs/DATA.md describes every table the migrations create', () => {
    const doc = read('docs/DATA.md');
    const tables = MIGRATIONS.join('\n').matchAll(/CREATE TABLE (\w+)/g);
    for (const [, table] of tables) expect(doc, table).toContain(`\`${table}\``);
  });

  it('docs/API.md documents every route the hub registers', () => {
    const doc = read('docs/API.md');
    const server = read('hub/src/http/server.ts');
    for (const [, method, route] of server.matchAll(/route\('(GET|POST)', '([^']+)'/g)) {
      expect(doc, route).toContain(`${method} ${route}`);
    }
  });

  it('README shows the two commands first', () => {
    const readme = read('README.md');
    const firstBlock = readme.split('```')[1] ?? '';
    expect(firstBlock).toContain('npm install && npm start');
    expect(firstBlock).toContain('npm test');
  });

  it('every node agent config a doc or guide shows is one the agent loads', () => {
    const files = [
      ...fs
        .readdirSync(path.join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
      ...fs
        .readdirSync(path.join(root, 'hardware'), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) =>
          fs
            .readdirSync(path.join(root, 'hardware', d.name))
            .filter((f) => f.endsWith('.md'))
            .map((f) => `hardware/${d.name}/${f}`),
        ),
      'README.md',
    ];
    let samples = 0;
    for (const file of files) {
      const doc = read(file);
      // fenced JSON blocks, and one-line configs as a console prints them
      const candidates = [
        ...[...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? ''),
        ...doc.split('\n').filter((l) => l.startsWith('{"node"')),
      ];
      for (const text of candidates) {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          continue;
        }
        if (typeof json !== 'object' || json === null || !('node' in json) || !('secret' in json)) continue;
        samples++;
        const parsed = NodeAgentConfig.safeParse(json);
        expect(parsed.success, `${file}: ${text.slice(0, 80)} — ${parsed.error?.issues[0]?.message}`).toBe(
          true,
        );
      }
    }
    expect(samples).toBeGreaterThanOrEqual(5);
  });

  it('docs/INTEROP.md lists every key the Tasmota and airrohr adapters map', () => {
    const doc = read('docs/INTEROP.md');
    for (const key of Object.keys(ENERGY_KEYS)) expect(doc, key).toContain(`\`ENERGY.${key}\``);
    for (const key of Object.keys(CLIMATE_KEYS))
      expect(doc, key).toMatch(new RegExp(`\`(<BLOCK>\\.)?${key.replace('.', '\\.')}\``));
    for (const field of Object.keys(AIRROHR_FIELDS)) expect(doc, field).toContain(`\`${field}\``);
  });
});
