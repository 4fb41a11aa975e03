import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeAgentConfig } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

describe('node add', () => {
  let th: TestHub;
  beforeAll(async () => {
    th = await startTestHub();
  });
  afterAll(() => th.stop());

  it('prints a node config snippet the agent accepts, pointing at the hub it runs on', async () => {
    await th.run('household add h1 "One" --sharing community');
    const { code, output } = await th.run('node add snippet-1 --household h1');
    expect(code).toBe(0);
    const json = output.split('\n').find((l) => l.startsWith('{'));
    const config = NodeAgentConfig.parse(JSON.parse(json ?? '{}'));
    expect(config.node).toBe('snippet-1');
    expect(config.hub).toBe(`mqtt://127.0.0.1:${th.mqttPort}`);
    expect(await th.hub.store.registry.authenticate('snippet-1', config.secret)).toBe(true);
  });
});
