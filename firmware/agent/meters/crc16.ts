/**
 * CRC-16 as DSMR 5.0.2 P1 specifies it (section 6.2): polynomial x^16 + x^15 + x^2 + 1, processed
 * least significant bit first (0xA001 reflected), starting from 0, no final XOR — the CRC-16/ARC of
 * the CRC catalogues, whose check value for "123456789" is 0xBB3D.
 */
export function crc16(bytes: Uint8Array | readonly number[], from = 0, to = bytes.length): number {
  let crc = 0;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i] ?? 0;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
