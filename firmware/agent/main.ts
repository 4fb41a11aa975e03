import { parseArgs } from 'node:util';
import { ConfigError, loadNodeConfig } from './config-loader.ts';
import { NodeAgent } from './node-agent.ts';

const USAGE = 'usage: communs node --config FILE';

/**
 * `communs node --config FILE`: runs one node agent until SIGINT or SIGTERM. Every failure a user can
 * cause ends with one line naming the problem and the fix, and a non-zero exit code.
 */
export async function runNode(argv: string[]): Promise<number> {
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    configPath = values.config;
  } catch (err) {
    console.error(`communs node: ${(err as Error).message} — ${USAGE}`);
    return 2;
  }
  if (!configPath) {
    console.error(`communs node: --config is missing — ${USAGE}`);
    return 2;
  }
  let agent: NodeAgent;
  let node: string;
  try {
    const loaded = await loadNodeConfig(configPath);
    agent = new NodeAgent({
      config: loaded.config,
      sensors: loaded.sensors,
      queueDir: loaded.queueDir,
      powerW: loaded.powerW,
      ...(loaded.boardModel ? { boardModel: loaded.boardModel } : {}),
      log: (line) => console.log(line),
    });
    node = loaded.config.node;
    await agent.start();
  } catch (err) {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(`communs node: ${(err as Error).message}`);
    return 1;
  }
  console.log(`${node}: node agent running (readings queue on disk while the hub is away); Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await agent.stop();
  return 0;
}
