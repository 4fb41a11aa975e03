/** What every benchmark gets: whether to run short, and where to print progress. */
export interface BenchContext {
  quick: boolean;
  log: (line: string) => void;
}

type Bench = (ctx: BenchContext) => Promise<void>;

/** In the order `npm run bench` runs them. */
const BENCHES: Record<string, () => Promise<Bench>> = {
  ingest: async () => (await import('./ingest.ts')).ingestBench,
  limits: async () => (await import('./limits.ts')).limitsBench,
  storage: async () => (await import('./storage.ts')).storageBench,
  queries: async () => (await import('./queries.ts')).queriesBench,
  memory: async () => (await import('./memory.ts')).memoryBench,
  dashboard: async () => (await import('./dashboard.ts')).dashboardBench,
  energy: async () => (await import('./energy.ts')).energyBench,
  envelope: async () => (await import('./envelope.ts')).envelopeBench,
  cost: async () => (await import('./cost.ts')).costBench,
};

/**
 * `npm run bench` runs every benchmark; `npm run bench -- NAME...` runs those named;
 * `BENCH_QUICK=1` shortens every loop (for trying the scripts, not for figures).
 */
async function main(argv: string[]): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    console.error(
      `bench: no benchmark ${unknown.join(', ')}; choose among ${Object.keys(BENCHES).join(', ')}`,
    );
    return 2;
  }
  const ctx: BenchContext = {
    quick: process.env.BENCH_QUICK === '1',
    log: (line) => console.log(line),
  };
  let failed = 0;
  for (const name of names.length ? names : Object.keys(BENCHES)) {
    const started = Date.now();
    console.log(`\n== ${name} ==`);
    try {
      const bench = await (BENCHES[name] as () => Promise<Bench>)();
      await bench(ctx);
      console.log(`== ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s ==`);
    } catch (err) {
      failed++;
      console.error(`bench ${name} failed: ${(err as Error).stack ?? err}`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
