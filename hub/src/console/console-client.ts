import net from 'node:net';
import os from 'node:os';
import { consoleSocketPath, EXIT_MARK } from './local-socket.ts';

/**
 * Talks to a running hub's local console socket. `connect` resolves with undefined when no hub
 * listens there, so the caller can fall back to the offline console.
 */
export class ConsoleClient {
  private readonly socket: net.Socket;
  private buffer = '';
  private waiting: { out: (line: string) => void; resolve: (code: number) => void } | undefined;

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

  run(line: string, out: (line: string) => void): Promise<number> {
    return new Promise((resolve) => {
      this.waiting = { out, resolve };
      this.socket.write(`${JSON.stringify({ line, who: os.userInfo().username })}\n`);
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
      if (line.startsWith(EXIT_MARK)) {
        const w = this.waiting;
        this.waiting = undefined;
        w?.resolve(Number(line.slice(EXIT_MARK.length)));
      } else this.waiting?.out(line);
    }
  }
}
