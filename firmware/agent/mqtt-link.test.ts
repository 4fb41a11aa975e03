import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { MqttLink } from './mqtt-link.ts';

/**
 * A broker that accepts the login (CONNACK 0) and then never acknowledges anything: a hub frozen
 * under load, or one being stopped. MQTT 3.1.1 §3.2: CONNACK is 0x20 0x02 0x00 0x00.
 */
function silentBroker(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.once('data', () => socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00])));
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('MqttLink', () => {
  const servers: net.Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  it('stops within a few seconds even when the hub never acknowledges', async () => {
    const server = await silentBroker();
    servers.push(server);
    const port = (server.address() as net.AddressInfo).port;
    const link = new MqttLink({
      url: `mqtt://127.0.0.1:${port}`,
      node: 'frozen-hub',
      secret: 's',
      meta: () => ({ node: 'frozen-hub', board: 'test', sensors: [] }),
      status: () => ({ state: 'online' }),
    });
    link.start();
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    await link.stop();
    expect(Date.now() - started).toBeLessThan(8000);
  }, 15_000);
});
