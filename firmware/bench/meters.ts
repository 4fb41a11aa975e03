/**
 * What reading one frame costs the node agent: a Linky's TIC frame (historic and standard, one and
 * three phases) and a DSMR P1 telegram, through the same path as on the wire — framer, checksums or
 * CRC, the label table — bytes pushed in chunks of 64 as a serial port delivers them. Prints a
 * markdown table for docs/PERFORMANCE.md; writes nothing.
 *
 *   npm run bench:meters
 */
import { cpus, loadavg } from 'node:os';
import type { MeterReader } from '../agent/meters/meter-reader.ts';
import { P1Reader } from '../agent/meters/p1-reader.ts';
import { TicReader } from '../agent/meters/tic-reader.ts';
import { LinkyModel } from '../virtual/meters/linky-model.ts';
import { DSMR_EXAMPLE_HEADER, DSMR_EXAMPLE_LINES, p1Telegram } from '../virtual/meters/p1-compose.ts';
import { ticFrame } from '../virtual/meters/tic-compose.ts';

const ROUNDS = process.env.BENCH_QUICK === '1' ? 2_000 : 20_000;
const household = { seed: 3, occupants: 3, heatPump: false, electricCar: false };

function linkyFrame(mode: 'historique' | 'standard', contract: 'hc' | 'tempo'): string {
  const model = new LinkyModel({ mode, contract, household, subscribedKva: 9 });
  const t = Date.UTC(2026, 0, 14, 12);
  model.advanceTo(t);
  return ticFrame(mode, model.fields(t));
}

/** A three-phase standard frame: the virtual Linky's, with the two more phases a real one adds. */
function threePhaseFrame(): string {
  const model = new LinkyModel({ mode: 'standard', contract: 'hc', household, subscribedKva: 12 });
  const t = Date.UTC(2026, 0, 14, 12);
  model.advanceTo(t);
  const fields = model.fields(t);
  for (const n of [2, 3]) fields.push([`IRMS${n}`, '004'], [`URMS${n}`, '231'], [`SINSTS${n}`, '00950']);
  fields.push(['SINSTS1', '01000']);
  return ticFrame('standard', fields);
}

const P1 = p1Telegram(DSMR_EXAMPLE_HEADER, DSMR_EXAMPLE_LINES);

interface Row {
  name: string;
  bytes: number;
  /** CPU µs per frame: median of 10 batches, and the slowest batch */
  median: number;
  worst: number;
  /** frames the meter sends a second, for the share of a core it costs the agent */
  perSecond: number;
}

function measure(
  name: string,
  text: string,
  perSecond: number,
  make: (onFacts: () => void) => MeterReader,
): Row {
  const bytes = Buffer.from(text, 'latin1');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 64) chunks.push(bytes.subarray(i, i + 64));
  let frames = 0;
  const reader = make(() => {
    frames++;
  });
  const batch = Math.max(1, Math.floor(ROUNDS / 10));
  // warm up, so the figures are the steady state rather than the compiler's first passes
  for (let i = 0; i < batch; i++) for (const c of chunks) reader.push(c, i);
  // CPU time, not wall time: on a machine shared with other work, the wall clock also counts the
  // time this process waited for a core
  const times: number[] = [];
  for (let b = 0; b < 10; b++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < batch; i++) for (const c of chunks) reader.push(c, i);
    const used = process.cpuUsage(t0);
    times.push((used.user + used.system) / batch);
  }
  if (frames !== batch * 11)
    throw new Error(`${name}: ${frames} frames read of ${batch * 11}: the bench is broken`);
  times.sort((a, b) => a - b);
  return { name, bytes: bytes.length, median: times[5] ?? 0, worst: times[9] ?? 0, perSecond };
}

const tic = (onFacts: () => void) =>
  new TicReader({ mode: 'auto', path: 'bench', onFacts, reopen: () => {}, log: () => {} });

const rows = [
  measure('TIC historic, HC, one phase', linkyFrame('historique', 'hc'), 1 / 1.5, tic),
  measure('TIC historic, Tempo, one phase', linkyFrame('historique', 'tempo'), 1 / 1.5, tic),
  measure('TIC standard, Tempo, one phase', linkyFrame('standard', 'tempo'), 1, tic),
  measure('TIC standard, three phases', threePhaseFrame(), 1, tic),
  measure(
    'DSMR 5 P1 telegram, three phases and gas',
    P1,
    1,
    (onFacts) => new P1Reader({ baud: 115_200, path: 'bench', onFacts, log: () => {} }),
  ),
];

const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
console.log(
  `Measured ${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average at start ${load}; ${ROUNDS} frames each in 10 batches, bytes pushed 64 at a time. Rerun: \`npm run bench:meters\`.`,
);
console.log('');
console.log(
  "| frame | bytes | CPU µs a frame (median batch) | slowest batch | share of a core at the meter's pace |",
);
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  const share = (r.median * r.perSecond) / 1e4;
  console.log(
    `| ${r.name} | ${r.bytes} | ${r.median.toFixed(1)} | ${r.worst.toFixed(1)} | ${share.toFixed(4)} % |`,
  );
}
