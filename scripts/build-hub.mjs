#!/usr/bin/env node
// Compiles the hub and CLI (bin/main.ts and what it imports) to plain JavaScript in dist/hub/, so
// that the shipped hub runs without tsx's loader thread (~35 MB of RSS, docs/PERFORMANCE.md).
// The TypeScript files stay the only sources; bin/communs.js runs this output only while it is
// newer than every source listed in its manifest, and falls back to tsx otherwise.
//
//   node scripts/build-hub.mjs                      the hub: bin/main.ts → dist/hub/
//   node scripts/build-hub.mjs ENTRY.ts... --outdir DIR    other programs (the benchmark servers)
//
// The output directory must be inside the repository: npm packages are left external and resolve
// from its node_modules. `import.meta.url` is rewritten to each source file's own address, so paths
// computed from it (package.json, dashboard/dist, hardware/, the firmware image) still hold.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = 'build-manifest.json';

/** Where a module's `import.meta.url` must keep pointing once it is bundled into `outdir`. */
function sourceUrlPlugin(outdir) {
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8');
        if (!text.includes('import.meta.')) return { contents: text, loader: 'ts' };
        if (/import\.meta\.(dirname|filename)/.test(text)) {
          throw new Error(`${args.path}: use import.meta.url (dirname/filename are not rewritten)`);
        }
        // relative to the bundle, not absolute: a moved checkout keeps working
        const rel = path.relative(outdir, args.path).split(path.sep).join('/');
        const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/**
 * Bundles `entries` into `outdir` (code split, so `import()` of a subcommand stays lazy) and writes
 * the manifest bin/communs.js checks: when the build started and every source file it read.
 */
async function buildHub(entries, outdir) {
  const startedAt = Date.now();
  const manifestFile = path.join(outdir, MANIFEST);
  const previous = readManifest(manifestFile);
  // while the files change, bin/communs.js sees no manifest and runs the sources
  fs.rmSync(manifestFile, { force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // file names only: stack traces map back to the .ts files without keeping their text in memory
    sourcemap: 'linked',
    sourcesContent: false,
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceUrlPlugin(outdir)],
  });
  const relative = (p) => path.relative(ROOT, path.resolve(ROOT, p));
  const sources = Object.keys(result.metafile.inputs).map(relative);
  const files = Object.keys(result.metafile.outputs).map((p) => path.relative(outdir, path.resolve(ROOT, p)));
  // A hub started from the previous build may still import() its chunks (the serial console, a
  // QR code): they are kept one build longer, older ones removed.
  const keep = new Set([...files, ...(previous?.files ?? []), MANIFEST]);
  for (const f of fs.readdirSync(outdir)) if (!keep.has(f)) fs.rmSync(path.join(outdir, f), { force: true });
  const manifest = { startedAt, sources: [...sources, 'scripts/build-hub.mjs'], files };
  fs.writeFileSync(`${manifestFile}.tmp`, `${JSON.stringify(manifest, null, 1)}\n`);
  fs.renameSync(`${manifestFile}.tmp`, manifestFile);
  return manifest;
}

function readManifest(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function cli(argv) {
  const entries = [];
  let outdir = 'dist/hub';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--outdir') outdir = argv[++i] ?? '';
    else entries.push(argv[i]);
  }
  outdir = path.resolve(ROOT, outdir);
  if (!outdir.startsWith(`${ROOT}${path.sep}`)) {
    throw new Error(
      `--outdir must be inside ${ROOT} (its node_modules are resolved from there), got ${outdir}`,
    );
  }
  const { sources } = await buildHub(entries.length ? entries : ['bin/main.ts'], outdir);
  console.log(`build-hub: ${sources.length} sources → ${path.relative(ROOT, outdir)}/`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await cli(process.argv.slice(2));
