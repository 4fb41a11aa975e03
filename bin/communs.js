#!/usr/bin/env node
// The `communs` command. Runs the compiled hub (dist/hub/, built by `npm run build:hub` and
// `npm start`) when it is newer than every source it was built from; otherwise the TypeScript
// sources through tsx, so a clean clone or an edited checkout never runs a stale build. The
// compiled hub spares tsx's loader thread and its isolate, ~35 MB of RSS (docs/PERFORMANCE.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist/hub');

/** The build is fresh when no source it lists was modified since it started (one stat each). */
function freshBuild() {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(DIST, 'build-manifest.json'), 'utf8'));
    return manifest.sources.every((s) => fs.statSync(path.join(ROOT, s)).mtimeMs < manifest.startedAt);
  } catch {
    return false; // no build, or a source it lists is gone
  }
}

let main;
if (freshBuild()) {
  // stack traces name the .ts files and lines (the maps hold names, not the sources' text)
  process.setSourceMapsEnabled(true);
  ({ main } = await import(pathToFileURL(path.join(DIST, 'main.js')).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
