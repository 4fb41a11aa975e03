/**
 * CRC-8 of Sensirion chips (SHT3x datasheet §4.12, SCD4x datasheet §3.11): polynomial 0x31,
 * init 0xFF, no reflection, no final XOR. Check value: 0xBEEF → 0x92.
 */
export function sensirionCrc(msb: number, lsb: number): number {
  let crc = 0xff;
  for (const byte of [msb, lsb]) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
    }
  }
  return crc;
}

/** Splits a Sensirion reply into 16-bit words, checking each word's CRC; undefined on a bad CRC. */
export function sensirionWords(bytes: readonly number[], words: number): number[] | undefined {
  if (bytes.length < words * 3) return undefined;
  const out: number[] = [];
  for (let i = 0; i < words; i++) {
    const msb = bytes[i * 3] ?? 0;
    const lsb = bytes[i * 3 + 1] ?? 0;
    if (sensirionCrc(msb, lsb) !== bytes[i * 3 + 2]) return undefined;
    out.push((msb << 8) | lsb);
  }
  return out;
}

/** The bytes a chip sends for these words, each followed by its CRC (used by the virtual chips). */
export function sensirionEncode(words: readonly number[]): number[] {
  const out: number[] = [];
  for (const w of words) {
    const msb = (w >> 8) & 0xff;
    const lsb = w & 0xff;
    out.push(msb, lsb, sensirionCrc(msb, lsb));
  }
  return out;
}
