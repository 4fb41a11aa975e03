/**
 * Intel HEX to a flash image. Only the record types avr-objcopy emits for an ATmega328P image are
 * accepted (00 data, 01 end of file, 02/04 base addresses); a checksum error names the line.
 */
export function parseIntelHex(text: string, flashBytes = 32 * 1024): Uint8Array {
  const flash = new Uint8Array(flashBytes).fill(0xff);
  let base = 0;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith(':') || line.length < 11) {
      throw new Error(`intel hex line ${index + 1}: not a record, got "${line.slice(0, 20)}"`);
    }
    const bytes = Uint8Array.from(line.slice(1).match(/../g) ?? [], (h) => Number.parseInt(h, 16));
    const sum = bytes.reduce((a, b) => (a + b) & 0xff, 0);
    if (sum !== 0) throw new Error(`intel hex line ${index + 1}: bad checksum`);
    const count = bytes[0] ?? 0;
    const address = ((bytes[1] ?? 0) << 8) | (bytes[2] ?? 0);
    const type = bytes[3];
    const data = bytes.subarray(4, 4 + count);
    if (type === 0x00) {
      const at = base + address;
      if (at + count > flash.length) throw new Error(`intel hex line ${index + 1}: address past flash end`);
      flash.set(data, at);
    } else if (type === 0x01) {
      break;
    } else if (type === 0x02) {
      base = (((data[0] ?? 0) << 8) | (data[1] ?? 0)) << 4;
    } else if (type === 0x04) {
      base = (((data[0] ?? 0) << 8) | (data[1] ?? 0)) << 16;
    }
  }
  return flash;
}
