import net from 'node:net';
import { Aedes } from 'aedes';
import { serveRequests } from '../lib/child.ts';

/**
 * The baseline (b): aedes 1.2 alone, as its README starts it: in-memory persistence, no
 * authentication hooks, no storage, plain TCP on a free loopback port.
 */
const broker = await Aedes.createBroker();
const server = net.createServer(broker.handle);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));

serveRequests({}, async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => broker.close(() => resolve()));
});

process.send?.({ ready: true, mqttPort: (server.address() as net.AddressInfo).port });
