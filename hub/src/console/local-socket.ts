import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Commands } from '../commands/commands.ts';
import type { HubContext } from '../context.ts';

/**
 * The running hub's console on a Unix socket in the data directory (mode 0600: only the hub's user
 * may connect), for `communs console`. One request a line: `{"line":"...","who":"..."}`; the hub
 * answers with output lines and a last line `\u0000exit N`.
 */
export const EXIT_MARK = '\u0000exit ';

export function consoleSocketPath(dataDir: string): string {
  return path.join(dataDir, 'console.sock');
}

export class LocalConsoleServer {
  private readonly opts: { ctx: HubContext; commands: Commands; dataDir: string; log: (l: string) => void };
  private server: net.Server | undefined;

  constructor(opts: { ctx: HubContext; commands: Commands; dataDir: string; log: (l: string) => void }) {
    this.opts = opts;
  }

  async start(): Promise<void> {
    const file = consoleSocketPath(this.opts.dataDir);
    fs.rmSync(file, { force: true });
    this.server = net.createServer((socket) => this.serve(socket));
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server?.once('error', reject);
        this.server?.listen(file, () => resolve());
      });
    } finally {
      process.umask(oldMask);
    }
    fs.chmodSync(file, 0o600);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    fs.rmSync(consoleSocketPath(this.opts.dataDir), { force: true });
  }

  private serve(socket: net.Socket): void {
    let buffer = '';
    let busy = Promise.resolve();
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 64 * 1024) return socket.destroy();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const raw = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        busy = busy.then(() => this.runOne(socket, raw));
      }
    });
  }

  private async runOne(socket: net.Socket, raw: string): Promise<void> {
    let req: { line?: unknown; who?: unknown };
    try {
      req = JSON.parse(raw);
    } catch {
      socket.write(`error: not a console request\n${EXIT_MARK}2\n`);
      return;
    }
    const line = typeof req.line === 'string' ? req.line : '';
    const who = `local:${typeof req.who === 'string' ? req.who.slice(0, 40) : 'unknown'}`;
    const code = await this.opts.commands.run(this.opts.ctx, line, {
      who,
      out: (l) => socket.write(`${l}\n`),
    });
    socket.write(`${EXIT_MARK}${code}\n`);
  }
}
