import { startTestHub } from '../../support/test-hub.ts';
import { feedNeighbourhood } from './small-neighbourhood.ts';

/**
 * Manual preview: a real hub on free ports serving dashboard/dist, with the demo (`--demo N`) or the
 * small fed neighbourhood. `node --import tsx tests/e2e/support/preview.ts [--demo 6]`; Ctrl-C stops.
 */
const demoArg = process.argv.indexOf('--demo');
const demo = demoArg > 0 ? Number(process.argv[demoArg + 1] ?? 6) : false;
const th = await startTestHub({ demo });
const feeder = demo ? null : await feedNeighbourhood(th);
console.log(`preview: ${th.httpUrl}`);
const stop = async () => {
  await feeder?.stop();
  await th.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
