import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { Commands } from '../commands/commands.ts';
import type { HubContext } from '../context.ts';

/**
 * The running hub's console on a Unix socket in the data directory (mode 0600: only the hub's user
 * may connect), for `communs console`. One request a line: `{"line":"...","who":"...","interactive":true}`;
 * the hub answers with output lines and a last line `\u0000exit N`. When a command asks a yes/no
 * question (erase) of an interactive client, the hub sends `\u0000ask QUESTION` and reads the next
 * line as `{"answer":true|false}`; a one-shot client (`-c`) is never asked: it must say `--yes`.
 */
export const EXIT_MARK = '\u0000exit ';
export const ASK_MARK = '\u0000ask ';

/** One request line of `communs console` (hub/src/cli/console-command.ts writes it). */
export const ConsoleRequest = z.object({
  line: z.string().max(16 * 1024),
  who: z.string().max(200).default('unknown'),
  interactive: z.boolean().default(false),
});
export type ConsoleRequest = z.input<typeof ConsoleRequest>;

/** The answer to a yes/no question asked during a command. */
const ConsoleAnswer = z.object({ answer: z.boolean() });

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
    const pending: { answer?: (yes: boolean) => void } = {};
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 64 * 1024) return socket.destroy();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const raw = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const answer = pending.answer;
        if (answer) {
          // the reply to a question: it goes to the command waiting for it, not to the queue
          pending.answer = undefined;
          answer(parseAnswer(raw));
          continue;
        }
        busy = busy.then(() => this.runOne(socket, raw, pending));
      }
    });
  }

  private async runOne(
    socket: net.Socket,
    raw: string,
    pending: { answer?: (yes: boolean) => void },
  ): Promise<void> {
    const req = ConsoleRequest.safeParse(parseJson(raw));
    if (!req.success) {
      socket.write(
        `error: not a console request (${req.error.issues[0]?.message ?? 'invalid'})\n${EXIT_MARK}2\n`,
      );
      return;
    }
    const { line } = req.data;
    const who = `local:${req.data.who.slice(0, 40)}`;
    const confirm = (question: string) =>
      new Promise<boolean>((resolve) => {
        pending.answer = resolve;
        socket.write(`${ASK_MARK}${question.replace(/\n/g, ' ')}\n`);
        socket.once('close', () => resolve(false));
      });
    const code = await this.opts.commands.run(this.opts.ctx, line, {
      who,
      out: (l) => socket.write(`${l}\n`),
      ...(req.data.interactive ? { confirm } : {}),
    });
    pending.answer = undefined;
    socket.write(`${EXIT_MARK}${code}\n`);
  }
}

/** Anything but a well-formed yes is a no. */
function parseAnswer(raw: string): boolean {
  const parsed = ConsoleAnswer.safeParse(parseJson(raw));
  return parsed.success && parsed.data.answer;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
