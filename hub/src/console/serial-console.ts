import { SerialPort } from 'serialport';
import type { Hub } from '../hub.ts';
import { SerialSession } from './serial-session.ts';

/** A USB-serial adapter that was unplugged is looked for again this often. */
const REOPEN_MS = 5000;

function open(port: SerialPort): Promise<void> {
  return new Promise((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
}

/**
 * The admin console on a serial device (`communs hub --console /dev/ttyUSB0`): the only module that
 * imports serialport. Physical presence is the access control (docs/CONSOLE.md): whoever holds the cable
 * administers the hub, and every change is audited as `serial:<path>`.
 */
export async function startSerialConsole(opts: {
  hub: Hub;
  path: string;
  baudRate: number;
}): Promise<() => Promise<void>> {
  const { hub, path, baudRate } = opts;
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  try {
    await open(port);
  } catch (err) {
    throw new Error(
      `cannot open the console on ${path} (${(err as Error).message}): check the device path and that the hub's user may use it (group dialout)`,
    );
  }
  const session = new SerialSession({
    write: (text) => {
      if (port.isOpen) port.write(text);
    },
    exec: (line, io) => hub.commands.run(hub.ctx, line, io),
    who: `serial:${path}`,
    banner: [
      '',
      `Communs hub ${hub.ctx.version} — admin console on ${path}`,
      'Type "help" for the commands. Every change is written to the audit log.',
    ],
  });
  let stopping = false;
  let retry: NodeJS.Timeout | undefined;
  port.on('data', (chunk: Buffer) => session.receive(chunk));
  port.on('error', (err: Error) => hub.log(`console ${path}: ${err.message}`));
  port.on('close', () => {
    if (stopping) return;
    hub.log(`console ${path} closed (cable unplugged?): trying again every ${REOPEN_MS / 1000} s`);
    retry = setInterval(() => {
      open(port)
        .then(() => {
          clearInterval(retry);
          hub.log(`console ${path} is back`);
          session.start();
        })
        .catch(() => {});
    }, REOPEN_MS);
    retry.unref();
  });
  session.start();
  return async () => {
    stopping = true;
    clearInterval(retry);
    await Promise.race([session.idle(), new Promise((r) => setTimeout(r, 2000))]);
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  };
}
