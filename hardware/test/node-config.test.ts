import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNodeConfig } from '../../firmware/agent/config-loader.ts';
import { kitPath, listKitIds, readKit } from '../kit-files.ts';

const ids = await listKitIds();

describe.each(ids)('kit %s as a node config', (id) => {
  it('is accepted by the node agent as {"kit": ".../kit.json"}, with the kit’s own sensors', async () => {
    const dir = await mkdtemp(join(tmpdir(), `communs-kit-${id}-`));
    const file = join(dir, 'node.json');
    const kit = await readKit(id);
    const config = {
      node: `test-${id}`,
      secret: 's3cret',
      hub: 'mqtt://127.0.0.1:1883',
      // a meter kit reads the meter's output on its adapter; the others run on a (virtual) board
      board: kit.meter ? { type: kit.meter, path: '/dev/ttyUSB0' } : { type: 'virtual' },
      // relative, as the guides tell people to write it: resolved from the config file's folder
      kit: relative(dir, kitPath(id)),
      queue: { dir: 'queue' },
    };
    await writeFile(file, JSON.stringify(config));
    const loaded = await loadNodeConfig(file);
    expect(loaded.sensors).toEqual(kit.sensors);
    expect(loaded.powerW).toBe(kit.power.powerW);
  });
});
