import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { ptyPair } from '../../firmware/virtual/pty-pair.ts';

/**
 * A meter on one end of a socat pseudo-terminal pair, the node agent's adapter on the other: what
 * the test writes is what a Linky or a DSMR meter would put on the wire (7-bit ASCII for a TIC: a
 * pseudo-terminal carries no parity bit). `pull` kills socat, as pulling the cable closes the port.
 */
export interface MeterLine {
  /** the path the agent opens, as it would /dev/ttyUSB0 */
  agentEnd: string;
  write(text: string): Promise<void>;
  /** writes frames one by one, `gapMs` apart, like a meter's steady output */
  stream(frames: readonly string[], gapMs: number): Promise<void>;
  pull(): Promise<void>;
  /** a new pair under the same paths: the cable plugged back in */
  plug(): Promise<void>;
  close(): Promise<void>;
}

export async function meterLine(dir: string, name = 'meter'): Promise<MeterLine> {
  const agentEnd = join(dir, `${name}-agent`);
  const meterEnd = join(dir, `${name}-meter`);
  let socat: ChildProcess | undefined;
  let port: SerialPort | undefined;
  const plug = async () => {
    socat = await ptyPair(agentEnd, meterEnd);
    const p = new SerialPort({ path: meterEnd, baudRate: 9600 });
    await new Promise<void>((resolve, reject) => {
      p.once('open', () => resolve());
      p.once('error', reject);
    });
    port = p;
  };
  const release = async () => {
    const p = port;
    port = undefined;
    if (p?.isOpen) await new Promise((r) => p.close(r));
  };
  const line: MeterLine = {
    agentEnd,
    async write(text) {
      const p = port;
      if (!p) throw new Error('the meter line is unplugged');
      await new Promise<void>((resolve, reject) =>
        p.write(Buffer.from(text, 'latin1'), (err) => (err ? reject(err) : p.drain(() => resolve()))),
      );
    },
    async stream(frames, gapMs) {
      for (const f of frames) {
        await line.write(f);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    },
    async pull() {
      const s = socat;
      socat = undefined;
      if (s && s.exitCode === null) {
        const gone = new Promise((r) => s.once('exit', r));
        s.kill();
        await gone;
      }
      await release();
    },
    plug,
    async close() {
      await line.pull();
    },
  };
  await plug();
  return line;
}
