import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderWiringSvg } from '../diagrams/wiring-svg.ts';
import { kitPath, listKitIds, readKit } from '../kit-files.ts';

const ids = await listKitIds();

describe.each(ids)('wiring diagram of %s', (id) => {
  it('is committed and regenerates byte-for-byte from kit.json', async () => {
    const fresh = renderWiringSvg(await readKit(id));
    let committed = '';
    try {
      committed = readFileSync(kitPath(id, 'wiring.svg'), 'utf8');
    } catch {
      // a missing file is reported by the comparison below, with the fix
    }
    const stale = `hardware/${id}/wiring.svg is stale or missing — run \`npm run hardware:diagrams\` and commit it`;
    expect(committed === fresh, stale).toBe(true);
  });

  it('renders the same text twice and has no dates or fractional coordinates', async () => {
    const kit = await readKit(id);
    const svg = renderWiringSvg(kit);
    expect(renderWiringSvg(kit)).toBe(svg);
    expect(svg).not.toMatch(/20\d\d-\d\d-\d\d/);
    expect(svg).not.toMatch(/\s(x|y|cx|cy|width|height)='-?\d+\.\d+'/);
  });

  it('labels every wire with its number and every board pin it uses', async () => {
    const kit = await readKit(id);
    const svg = renderWiringSvg(kit);
    kit.connections.forEach((c, i) => {
      expect(svg).toContain(`font-weight='bold'>${i + 1}</text>`);
      if (!c.to.startsWith('net:')) expect(svg).toMatch(new RegExp(`>${c.to}( · [A-Z0-9]+)?</text>`));
    });
  });
});
