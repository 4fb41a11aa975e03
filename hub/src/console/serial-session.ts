import type { CommandIO } from '../commands/command.ts';
import { type EditorEvent, LineEditor } from './line-editor.ts';

export interface SerialSessionOptions {
  /** sends text to the terminal (the serial port) */
  write: (text: string) => void;
  /** runs one command line through the command layer; resolves with its exit status */
  exec: (line: string, io: CommandIO) => Promise<number>;
  /** for the audit log: "serial:/dev/ttyUSB0" */
  who: string;
  /** lines shown before "-- more --": a 24-line terminal keeps the prompt in view */
  pageLines?: number;
  maxLineBytes?: number;
  banner?: string[];
}

const PROMPT = 'communs> ';

/**
 * One console session on a serial line: the line editor, a prompt, the command layer, a yes/no
 * question when a command asks (erase), and a pager for long listings. Knows nothing of serialport,
 * so it is tested with plain bytes. Plain text only, CRLF line ends, no colour: a dumb terminal at
 * 115200 baud shows it as it is.
 */
export class SerialSession {
  private readonly opts: SerialSessionOptions;
  private readonly editor: LineEditor;
  private readonly pageLines: number;
  /** lines typed while a command runs, handled after it */
  private readonly typedAhead: EditorEvent[] = [];
  private running = false;
  private answer: ((yes: boolean) => void) | undefined;
  /** output beyond the first page of a command, shown a page at a time */
  private more: string[] = [];
  private shown = 0;
  private work: Promise<void> = Promise.resolve();

  constructor(opts: SerialSessionOptions) {
    this.opts = opts;
    this.editor = new LineEditor({ maxBytes: opts.maxLineBytes ?? 1024 });
    this.pageLines = opts.pageLines ?? 20;
  }

  start(): void {
    for (const line of this.opts.banner ?? []) this.line(line);
    this.opts.write(PROMPT);
  }

  receive(chunk: Uint8Array): void {
    const { echo, events } = this.editor.feed(chunk);
    if (echo) this.opts.write(echo);
    for (const event of events) {
      if (this.answer) {
        const answer = this.answer;
        this.answer = undefined;
        answer(event.kind === 'line' && /^\s*y(es)?\s*$/i.test(event.line));
      } else if (this.running) this.typedAhead.push(event);
      else this.work = this.work.then(() => this.handle(event));
    }
  }

  /** Resolves once every line received so far has been handled (for tests and shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const before = this.work;
      await before;
      if (before === this.work && !this.running) return;
    }
  }

  private async handle(event: EditorEvent): Promise<void> {
    if (this.more.length > 0) this.page(event);
    else if (event.kind === 'too-long') {
      this.line(`error: line too long (over ${event.maxBytes} bytes): nothing was run`);
    } else if (event.kind === 'line') {
      await this.run(event.line.trim());
    }
    this.afterCommand();
  }

  private async run(line: string): Promise<void> {
    if (line === '') return;
    if (/^(exit|quit|logout)$/.test(line)) {
      this.line('this serial console stays open: unplug the cable or close your terminal program to leave');
      return;
    }
    this.running = true;
    this.shown = 0;
    const io: CommandIO = {
      who: this.opts.who,
      out: (text) => this.output(text),
      confirm: (question) => {
        this.flushMore();
        this.opts.write(`${question} [y/N] `);
        return new Promise((resolve) => {
          this.answer = resolve;
        });
      },
    };
    try {
      await this.opts.exec(line, io);
    } catch (err) {
      this.line(`error: ${(err as Error).message}`);
    } finally {
      this.running = false;
      this.answer = undefined;
    }
  }

  /** After a command: the "more" question, or the prompt; then what was typed meanwhile. */
  private afterCommand(): void {
    if (this.more.length > 0) this.askMore();
    else this.opts.write(PROMPT);
    const queued = this.typedAhead.splice(0);
    for (const event of queued) this.work = this.work.then(() => this.handle(event));
  }

  private output(text: string): void {
    for (const l of text.split('\n')) {
      if (this.shown < this.pageLines) {
        this.line(l);
        this.shown++;
      } else this.more.push(l);
    }
  }

  private page(event: EditorEvent): void {
    if (event.kind !== 'line' || /^\s*q/i.test(event.line)) {
      this.line(`(${this.more.length} more line(s) not shown)`);
      this.more = [];
    } else {
      for (const l of this.more.splice(0, this.pageLines)) this.line(l);
    }
  }

  private askMore(): void {
    this.opts.write(`-- more: ${this.more.length} line(s) left; Enter shows the next page, q stops -- `);
  }

  private flushMore(): void {
    for (const l of this.more.splice(0)) this.line(l);
  }

  private line(text: string): void {
    this.opts.write(`${text}\r\n`);
  }
}
