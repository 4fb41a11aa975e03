/** What the person finished typing: a line, a line that was too long, or Ctrl-C. */
export type EditorEvent =
  | { kind: 'line'; line: string }
  | { kind: 'too-long'; maxBytes: number }
  | { kind: 'interrupt' };

export interface FeedResult {
  /** what to send back so the person sees what they type (serial terminals do not echo locally) */
  echo: string;
  events: EditorEvent[];
}

const BS = 0x08;
const DEL = 0x7f;
const CR = 0x0d;
const LF = 0x0a;
const ESC = 0x1b;
const CTRL_C = 0x03;
const CTRL_U = 0x15;
const TAB = 0x09;
const BEL = '\u0007';
const ERASE = '\b \b';

/**
 * Line editing for a dumb serial terminal, as a pure function of the bytes received: echo,
 * backspace and DEL, Ctrl-U (kill line), Ctrl-C, CR, LF or CRLF line ends. Escape sequences (arrow
 * keys) and other control bytes are dropped, invalid UTF-8 (line noise, binary garbage) is dropped,
 * and a line past `maxBytes` is refused as a whole when it ends, so the console stays usable.
 */
export class LineEditor {
  readonly maxBytes: number;
  private bytes: number[] = [];
  private overflow = false;
  private lastWasCr = false;
  private esc: 'none' | 'esc' | 'csi' = 'none';
  private escLength = 0;
  /** a UTF-8 sequence being received: its bytes so far and how many it needs */
  private pending: number[] = [];
  private pendingNeed = 0;

  constructor(opts: { maxBytes?: number } = {}) {
    this.maxBytes = opts.maxBytes ?? 1024;
  }

  feed(chunk: Uint8Array): FeedResult {
    let echo = '';
    const events: EditorEvent[] = [];
    for (const b of chunk) {
      const wasCr = this.lastWasCr;
      this.lastWasCr = false;
      if (this.esc !== 'none') {
        this.skipEscape(b);
        continue;
      }
      if (this.pendingNeed > 0) {
        if (b >= 0x80 && b < 0xc0) {
          this.pending.push(b);
          if (this.pending.length === this.pendingNeed) {
            this.pendingNeed = 0;
            echo += this.append(this.pending);
          }
          continue;
        }
        // a broken sequence is dropped; the byte that broke it is read afresh
        this.pendingNeed = 0;
      }
      if (b === CR || b === LF) {
        if (b === LF && wasCr) continue;
        this.lastWasCr = b === CR;
        echo += '\r\n';
        events.push(this.endLine());
      } else if (b === BS || b === DEL) {
        echo += this.backspace();
      } else if (b === CTRL_C) {
        this.clear();
        echo += '^C\r\n';
        events.push({ kind: 'interrupt' });
      } else if (b === CTRL_U) {
        echo += ERASE.repeat(this.columns());
        this.clear();
      } else if (b === ESC) {
        this.esc = 'esc';
      } else if (b === TAB) {
        echo += this.append([0x20]);
      } else if (b >= 0x20 && b < 0x7f) {
        echo += this.append([b]);
      } else if (b >= 0xc2 && b <= 0xf4) {
        this.pending = [b];
        this.pendingNeed = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      }
      // any other byte (NUL, other controls, stray continuation bytes) is line noise: dropped
    }
    return { echo, events };
  }

  /** The line typed so far (for a redraw after output interrupted it). */
  get current(): string {
    return Buffer.from(this.bytes).toString('utf8');
  }

  private append(bytes: number[]): string {
    if (this.overflow || this.bytes.length + bytes.length > this.maxBytes) {
      const first = !this.overflow;
      this.overflow = true;
      return first ? BEL : '';
    }
    this.bytes.push(...bytes);
    return Buffer.from(bytes).toString('utf8');
  }

  private backspace(): string {
    if (this.overflow || this.bytes.length === 0) return '';
    // remove one character: its continuation bytes, then its lead byte
    while (this.bytes.length > 0 && ((this.bytes[this.bytes.length - 1] ?? 0) & 0xc0) === 0x80)
      this.bytes.pop();
    this.bytes.pop();
    return ERASE;
  }

  private endLine(): EditorEvent {
    const event: EditorEvent = this.overflow
      ? { kind: 'too-long', maxBytes: this.maxBytes }
      : { kind: 'line', line: this.current };
    this.clear();
    return event;
  }

  private clear(): void {
    this.bytes = [];
    this.overflow = false;
    this.pendingNeed = 0;
  }

  private columns(): number {
    return [...this.current].length;
  }

  private skipEscape(b: number): void {
    this.escLength++;
    if (this.esc === 'esc') this.esc = b === 0x5b || b === 0x4f ? 'csi' : 'none';
    else if ((b >= 0x40 && b <= 0x7e) || this.escLength > 16) this.esc = 'none';
    if (this.esc === 'none') this.escLength = 0;
  }
}
