import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PERFORMANCE_MD, ROOT, writeSection } from './lib/report.ts';
import type { BenchContext } from './run.ts';

const SCRIPT = path.join(ROOT, 'dashboard/bench/dashboard.ts');

/**
 * The dashboard's own benchmark (`npm run bench:dashboard`, written with the dashboard), run from
 * here when it exists. What it prints is kept in a section of its own unless it writes one.
 * Its shared-screen part runs the full 10 minutes the budget names (about 13 minutes in all): a
 * leak shows as a trend, and 2 minutes are mostly warm-up. `BENCH_QUICK=1` shortens it to 2.
 */
export async function dashboardBench(ctx: BenchContext): Promise<void> {
  if (!fs.existsSync(SCRIPT)) {
    ctx.log('dashboard/bench/dashboard.ts does not exist yet: skipped');
    return;
  }
  const out: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const args = ctx.quick ? ['--runs', '3', '--screen-minutes', '2'] : [];
    const proc = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    proc.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      out.push(d.toString());
    });
    const timer = setTimeout(() => proc.kill('SIGTERM'), 30 * 60_000);
    proc.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c ?? 1);
    });
  });
  if (code !== 0) throw new Error(`npm run bench:dashboard exited with ${code}`);
  const text = fs.existsSync(PERFORMANCE_MD) ? fs.readFileSync(PERFORMANCE_MD, 'utf8') : '';
  // the dashboard benchmark may write its own section one day: then it is not duplicated here
  if (text.includes('<!-- bench:dashboard begin -->')) return;
  const lines = out
    .join('')
    .split('\n')
    .filter((l) => l.trim() !== '');
  writeSection({
    id: 'dashboard-run',
    title: 'Dashboard (as printed by its benchmark)',
    command: 'npm run bench:dashboard',
    body: lines.length ? ['```', ...lines, '```'].join('\n') : 'The dashboard benchmark printed nothing.',
  });
}
