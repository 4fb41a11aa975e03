import net from 'node:net';
import os from 'node:os';
import { ASK_MARK, type ConsoleRequest, consoleSocketPath, EXIT_MARK } from './local-socket.ts';

/**
 * Talks to a running hub's local console socket. `connect` resolves with undefined when no hub
 * listens there, so the caller can fall back to the offline console.
 */
export class ConsoleClient {
  private readonly socket: net.Socket;
  private buffer = '';
  private waiting:
    | {
        out: (line: string) => void;
        resolve: (code: number) => void;
        ask?: ((question: string) => Promise<boolean>) | undefined;
      }
    | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => this.waiting?.resolve(1));
  }

  static connect(dataDir: string): Promise<ConsoleClient | undefined> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(consoleSocketPath(dataDir));
      socket.once('connect', () => resolve(new ConsoleClient(socket)));
      socket.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(undefined);
        else reject(err);
      });
    });
  }

  /** Runs one command; `ask` answers the hub's yes/no questions (interactive use only). */
  run(
    line: string,
    out: (line: string) => void,
    ask?: (question: string) => Promise<boolean>,
  ): Promise<number> {
    return new Promise((resolve) => {
      this.waiting = { out, resolve, ask };
      const req: ConsoleRequest = { line, who: os.userInfo().username, interactive: ask !== undefined };
      this.socket.write(`${JSON.stringify(req)}\n`);
    });
  }

  close(): void {
    this.socket.end();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.startsWith(ASK_MARK)) {
        const ask = this.waiting?.ask;
        const question = line.slice(ASK_MARK.length);
        void (ask ? ask(question) : Promise.resolve(false)).then((yes) =>
          this.socket.write(`${JSON.stringify({ answer: yes })}\n`),
        );
      } else if (line.startsWith(EXIT_MARK)) {
        const w = this.waiting;
        this.waiting = undefined;
        w?.resolve(Number(line.slice(EXIT_MARK.length)));
      } else this.waiting?.out(line);
    }
  }
}
