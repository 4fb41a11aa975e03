import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { annualKwh, checkKit } from '../../protocol/kit.ts';
import { kitPath, listKitIds, readKit } from '../kit-files.ts';

const ids = await listKitIds();
const BOM_HEADER = 'part_id,part,quantity,price_eur_new,salvage_from,repairable,recyclable';

describe('hardware kits', () => {
  it('has at least the four first kits', () => {
    expect(ids).toEqual(
      expect.arrayContaining(['meter-pulses', 'current-clamp', 'indoor-climate', 'outdoor-air']),
    );
  });

  describe.each(ids)('%s', (id) => {
    it('kit.json validates and passes checkKit', async () => {
      const raw: unknown = JSON.parse(readFileSync(kitPath(id), 'utf8'));
      expect(checkKit(raw)).toEqual([]);
      expect((await readKit(id)).id).toBe(id);
    });

    it('bom.csv lists every part of kit.json with a price, a salvage source and end-of-life', async () => {
      const kit = await readKit(id);
      const [header, ...rows] = readFileSync(kitPath(id, 'bom.csv'), 'utf8').trim().split('\n');
      expect(header).toBe(BOM_HEADER);
      const byId = new Map(rows.map((r) => [r.split(',')[0], parseCsvRow(r)]));
      for (const part of kit.parts) {
        const row = byId.get(part.id);
        expect(row, `bom.csv has no row for part "${part.id}"`).toBeDefined();
        const [, , qty, price, salvage, repairable, recyclable] = row ?? [];
        expect(Number(qty)).toBe(part.qty);
        expect(Number(price)).toBeGreaterThanOrEqual(0);
        expect(salvage?.length).toBeGreaterThan(2);
        expect(['yes', 'no', 'partly']).toContain(repairable);
        expect(['yes', 'no', 'partly']).toContain(recyclable);
      }
      expect(byId.size).toBe(kit.parts.length);
    });

    it.each(['fr', 'en'])(
      'guide.%s.md covers flashing, testing, safety and the power budget',
      async (lang) => {
        const kit = await readKit(id);
        const guide = readFileSync(kitPath(id, `guide.${lang}.md`), 'utf8');
        // a Firmata kit is flashed; a meter kit has nothing to flash and names its board type
        if (kit.meter) expect(guide).toContain(`"board": { "type": "${kit.meter}"`);
        else expect(guide).toContain('communs flash --port /dev/ttyUSB0 --board uno');
        expect(guide).toContain('communs console -c "node list"');
        expect(guide).toContain('wiring.svg');
        // the guide's power figures must be the kit's, written the way the guide writes numbers
        const sep = lang === 'fr' ? ',' : '.';
        expect(guide).toContain(`${kit.power.powerW.toFixed(3).replace('.', sep)} W`);
        expect(guide).toContain(`${annualKwh(kit.power.powerW).toFixed(1).replace('.', sep)} kWh`);
        expect(guide).toMatch(lang === 'fr' ? /## Sécurité/ : /## Safety/);
      },
    );
  });

  it('hardware/README.md indexes every kit', () => {
    const readme = readFileSync(kitPath('.', 'README.md'), 'utf8');
    for (const id of ids) expect(readme).toContain(`(${id}/`);
  });
});

/** Splits one CSV row, honouring double-quoted fields (salvage notes contain commas). */
function parseCsvRow(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const ch = row[i];
    if (ch === '"' && quoted && row[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
