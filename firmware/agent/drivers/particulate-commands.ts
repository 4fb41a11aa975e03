import type { ParticulateModel } from './particulate-frames.ts';

/**
 * The sleep and wake commands of the serial particulate sensors, from their datasheets:
 * - Nova Fitness SDS011 (laser dust sensor control protocol V1.3), "set sleep and work": 19 bytes,
 *   AA B4 06 01 mode(0 sleep, 1 work) 00×10 FF FF (every device) checksum AB; the checksum is the
 *   sum of bytes 2-16. The sensor answers with an AA C5 frame, which the frame parser skips.
 * - Plantower PMS5003 (data manual 2016), command 0xE4: 42 4D E4 00 mode(0 sleep, 1 wakeup) and a
 *   16-bit sum of the bytes before it. Both datasheets want 30 s of fan after waking before the
 *   readings are stable.
 */
export type ParticulateCommand = 'sleep' | 'wake';

export function encodeParticulateCommand(model: ParticulateModel, command: ParticulateCommand): number[] {
  const mode = command === 'wake' ? 1 : 0;
  if (model === 'sds011') {
    const body = [0x06, 0x01, mode, ...Array(10).fill(0), 0xff, 0xff];
    const sum = body.reduce((a, b) => a + b, 0) & 0xff;
    return [0xaa, 0xb4, ...body, sum, 0xab];
  }
  const head = [0x42, 0x4d, 0xe4, 0x00, mode];
  const sum = head.reduce((a, b) => a + b, 0);
  return [...head, sum >> 8, sum & 0xff];
}

/**
 * The sensor's side: recognises the sleep and wake commands in the bytes it receives, split or
 * garbled anywhere, and ignores the rest (query modes, other commands, bad checksums), as the
 * sensors do. The virtual boards use it.
 */
export class ParticulateCommandParser {
  private buf: number[] = [];
  private readonly size: number;
  private readonly header: readonly [number, number];

  constructor(private readonly model: ParticulateModel) {
    this.size = model === 'sds011' ? 19 : 7;
    this.header = model === 'sds011' ? [0xaa, 0xb4] : [0x42, 0x4d];
  }

  push(bytes: readonly number[]): ParticulateCommand[] {
    this.buf.push(...bytes);
    const out: ParticulateCommand[] = [];
    for (;;) {
      const start = this.buf.findIndex((b, i) => b === this.header[0] && this.buf[i + 1] === this.header[1]);
      if (start < 0) {
        this.buf = this.buf.slice(-1);
        return out;
      }
      this.buf = this.buf.slice(start);
      if (this.buf.length < this.size) return out;
      const command = this.decode(this.buf.slice(0, this.size));
      this.buf = this.buf.slice(command ? this.size : 1);
      if (command) out.push(command);
    }
  }

  private decode(frame: readonly number[]): ParticulateCommand | undefined {
    const mode = frame[4];
    if (mode !== 0 && mode !== 1) return undefined;
    const command = mode === 1 ? 'wake' : 'sleep';
    if (this.model === 'sds011') {
      // set (01), not query (00), of the sleep-and-work setting (06)
      if (frame[2] !== 0x06 || frame[3] !== 0x01 || frame[18] !== 0xab) return undefined;
      const sum = frame.slice(2, 17).reduce((a, b) => a + b, 0) & 0xff;
      return sum === frame[17] ? command : undefined;
    }
    if (frame[2] !== 0xe4 || frame[3] !== 0x00) return undefined;
    const sum = frame.slice(0, 5).reduce((a, b) => a + b, 0);
    return sum === (((frame[5] ?? 0) << 8) | (frame[6] ?? 0)) ? command : undefined;
  }
}
