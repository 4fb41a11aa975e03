/**
 * Cuts a TIC byte stream into frames (Enedis-NOI-CPT_54E, "structure des trames", the same in both
 * modes): a frame starts with STX (0x02) and ends with ETX (0x03); the meter sends EOT (0x04) when
 * it interrupts a frame. The bytes are 7-bit ASCII (7E1 on the wire: the UART strips the parity; it
 * is masked off here too, for a port opened 8N1 by mistake).
 */
const STX = 0x02;
const ETX = 0x03;
const EOT = 0x04;

/** Far above the longest frame either mode sends (a three-phase standard frame is under 1 KB). */
const MAX_FRAME = 4096;

export class TicFramer {
  private buf: number[] | undefined;
  /** frames started and never finished: EOT, a new STX inside, or past MAX_FRAME */
  truncated = 0;

  /** The bodies (between STX and ETX) of the frames this chunk completes. */
  push(chunk: Uint8Array | readonly number[]): string[] {
    const out: string[] = [];
    for (const raw of chunk) {
      const b = raw & 0x7f;
      if (b === STX) {
        if (this.buf !== undefined) this.truncated++;
        this.buf = [];
      } else if (this.buf === undefined) {
        // between frames, or joined in the middle of one: wait for the next STX
      } else if (b === ETX) {
        out.push(String.fromCharCode(...this.buf));
        this.buf = undefined;
      } else if (b === EOT || this.buf.length >= MAX_FRAME) {
        this.truncated++;
        this.buf = undefined;
      } else this.buf.push(b);
    }
    return out;
  }

  /** Forgets a frame in progress (the port closed under it): it is counted as truncated. */
  reset(): void {
    if (this.buf !== undefined) this.truncated++;
    this.buf = undefined;
  }
}
