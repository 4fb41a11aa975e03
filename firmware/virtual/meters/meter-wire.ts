import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BoardTransport } from '../../agent/board-transport.ts';
import { SerialTransport } from '../../agent/transport-serial.ts';
import { ptyPair } from '../pty-pair.ts';

/**
 * The wire between a virtual meter and the node agent. Where socat is installed (Debian: `apt-get
 * install socat`), a pair of pseudo-terminals: the agent opens one end as it would /dev/ttyUSB0,
 * through the same serial adapter as for a real meter. Without socat, an in-process stream in its
 * place, so `npm start` works on a fresh machine all the same.
 */
export interface MeterWire {
  /** the path the agent opens; undefined for the in-process stream */
  path: string | undefined;
  /** the agent's port when there is no path */
  open: (() => BoardTransport) | undefined;
  write(text: string): void;
  close(): Promise<void>;
}

/**
 * The pseudo-terminals' links go in a temporary directory (the demo writes nothing of its own in the
 * hub's data directory). `command`: the pseudo-terminal tool, socat unless a test names one that
 * does not exist.
 */
export async function meterWire(name: string, command = 'socat'): Promise<MeterWire> {
  const dir = mkdtempSync(join(tmpdir(), 'communs-meter-'));
  const agentEnd = join(dir, `${name}-tty`);
  const meterEnd = join(dir, `${name}-meter-tty`);
  const socat = await ptyPair(agentEnd, meterEnd, command).catch(() => undefined);
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (!socat) {
    removeDir();
    return memoryWire();
  }
  const port = new SerialTransport({ path: meterEnd, baud: 9600 });
  const opened = await new Promise<boolean>((resolve) => {
    port.once('open', () => resolve(true));
    port.once('error', () => resolve(false));
    port.connect();
  });
  if (!opened) {
    socat.kill();
    removeDir();
    return memoryWire();
  }
  return {
    path: agentEnd,
    open: undefined,
    write: (text) => void port.write(Buffer.from(text, 'latin1')),
    close: async () => {
      await new Promise<void>((r) => port.close(r));
      const gone = new Promise((r) => socat.once('exit', r));
      socat.kill();
      await gone;
      removeDir();
    },
  };
}

function memoryWire(): MeterWire {
  let current: MemoryPort | undefined;
  return {
    path: undefined,
    open: () => {
      current = new MemoryPort();
      return current;
    },
    write: (text) => current?.feed(Buffer.from(text, 'latin1')),
    close: async () => current?.close(),
  };
}

/** The agent's end of the in-process wire: what the meter writes arrives as `data`. */
class MemoryPort extends EventEmitter implements BoardTransport {
  private open = false;

  connect(): void {
    setImmediate(() => {
      this.open = true;
      this.emit('open');
    });
  }

  feed(bytes: Buffer): void {
    if (this.open) this.emit('data', bytes);
  }

  write(_data: Buffer | number[], callback?: (err?: Error | null) => void): boolean {
    callback?.(null);
    return true;
  }

  close(callback?: () => void): void {
    this.open = false;
    callback?.();
  }
}
