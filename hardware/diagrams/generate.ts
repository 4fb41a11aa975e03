import { readFile, writeFile } from 'node:fs/promises';
import { kitPath, listKitIds, readKit } from '../kit-files.ts';
import { renderWiringSvg } from './wiring-svg.ts';

/**
 * `npm run hardware:diagrams`: redraws hardware/<kit>/wiring.svg from each kit.json. Files that are
 * already up to date are left untouched, so the command is safe to run at any time.
 */
async function main(): Promise<void> {
  for (const id of await listKitIds()) {
    const svg = renderWiringSvg(await readKit(id));
    const file = kitPath(id, 'wiring.svg');
    const old = await readFile(file, 'utf8').catch(() => '');
    if (old === svg) {
      console.log(`hardware/${id}/wiring.svg is up to date`);
      continue;
    }
    await writeFile(file, svg);
    console.log(`hardware/${id}/wiring.svg written`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
