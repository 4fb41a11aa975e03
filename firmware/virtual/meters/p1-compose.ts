import { crc16 } from '../../agent/meters/crc16.ts';

/**
 * Writes a DSMR 5.0.2 P1 telegram: `/` and the identification, an empty line, one object a line,
 * `!` and the CRC-16 of everything from `/` to `!`, lines ending in CR LF.
 */
export function p1Telegram(header: string, lines: readonly string[]): string {
  const body = `/${header}\r\n\r\n${lines.map((l) => `${l}\r\n`).join('')}!`;
  const crc = crc16(Buffer.from(body, 'latin1')).toString(16).toUpperCase().padStart(4, '0');
  return `${body}${crc}\r\n`;
}
