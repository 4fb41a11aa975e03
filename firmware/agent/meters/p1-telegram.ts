import { crc16 } from './crc16.ts';

/**
 * DSMR 5.0.2 P1 telegrams (P1 Companion Standard, section 6): `/` and the meter's identification,
 * an empty line, one COSEM object a line (`1-0:1.8.1(001234.567*kWh)`), then `!` and the CRC of
 * everything from `/` to `!` as four hexadecimal digits. Lines end with CR LF.
 */

const SLASH = 0x2f;
const BANG = 0x21;
/** A telegram with a long text message stays under 3 KB; past this it is noise. */
const MAX_TELEGRAM = 8192;

export interface P1Object {
  /** the OBIS reduced id, "1-0:1.8.1" */
  obis: string;
  /** each bracketed value, as sent: ["001234.567*kWh"], or ["101209112500W", "12785.123*m3"] */
  values: string[];
}

export type P1Telegram =
  | { ok: true; header: string; objects: P1Object[] }
  | { ok: false; reason: 'crc' | 'malformed'; detail: string };

/** Cuts a byte stream into whole telegrams (from `/` to the CRC after `!`), checked or not. */
export class P1Framer {
  private buf: number[] | undefined;
  /** where the `!` sits in buf once it came: four CRC digits follow it */
  private bangAt = -1;
  /** telegrams that never ended: a new `/` inside one, or past MAX_TELEGRAM */
  truncated = 0;

  push(chunk: Uint8Array | readonly number[]): P1Telegram[] {
    const out: P1Telegram[] = [];
    for (const b of chunk) {
      // a `/` starts a telegram, except among the CRC digits (which are hexadecimal anyway)
      if (b === SLASH && this.bangAt < 0) {
        if (this.buf !== undefined) this.truncated++;
        this.buf = [b];
        continue;
      }
      if (this.buf === undefined) continue;
      this.buf.push(b);
      if (b === BANG && this.bangAt < 0) this.bangAt = this.buf.length - 1;
      if (this.bangAt >= 0 && this.buf.length === this.bangAt + 5) {
        out.push(checkTelegram(this.buf));
        this.buf = undefined;
        this.bangAt = -1;
      } else if (this.buf.length > MAX_TELEGRAM) this.reset();
    }
    return out;
  }

  reset(): void {
    if (this.buf !== undefined) this.truncated++;
    this.buf = undefined;
    this.bangAt = -1;
  }
}

/** One telegram's bytes, `/` to the last CRC digit: its CRC checked, then its lines read. */
export function checkTelegram(bytes: readonly number[]): P1Telegram {
  const bang = bytes.lastIndexOf(BANG);
  const sent = String.fromCharCode(...bytes.slice(bang + 1, bang + 5));
  if (!/^[0-9A-Fa-f]{4}$/.test(sent)) {
    return { ok: false, reason: 'malformed', detail: `no CRC after "!" (DSMR 4 and later send one)` };
  }
  const computed = crc16(bytes, 0, bang + 1);
  if (computed !== Number.parseInt(sent, 16)) {
    const hex = computed.toString(16).toUpperCase().padStart(4, '0');
    return { ok: false, reason: 'crc', detail: `CRC ${sent.toUpperCase()} sent, ${hex} computed` };
  }
  const lines = String.fromCharCode(...bytes.slice(0, bang)).split(/\r?\n/);
  const header = (lines[0] ?? '').slice(1).trim();
  const objects: P1Object[] = [];
  for (const line of lines.slice(1)) {
    const m = /^(\d+-\d+:\d+\.\d+\.\d+)((?:\([^()]*\))+)\s*$/.exec(line.trim());
    if (m?.[1] && m[2])
      objects.push({ obis: m[1], values: [...m[2].matchAll(/\(([^()]*)\)/g)].map((v) => v[1] ?? '') });
  }
  if (header.length === 0) return { ok: false, reason: 'malformed', detail: 'no identification after "/"' };
  return { ok: true, header, objects };
}
