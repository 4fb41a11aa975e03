import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * Makes sure dashboard/dist holds a build of the current sources: `npm test` builds first
 * (pretest), but a single test file run by hand may not have. Builds through Vite's API when the
 * build is missing or older than a source file.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const index = path.join(root, 'dashboard/dist/index.html');
  const builtAt = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const newest = newestMtime(path.join(root, 'dashboard/src'));
  if (builtAt > newest) return;
  const { build } = await import('vite');
  await build({
    configFile: path.join(root, 'dashboard/vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}
