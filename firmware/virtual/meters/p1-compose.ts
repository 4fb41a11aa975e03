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

/** The identification of that example telegram's meter. */
export const DSMR_EXAMPLE_HEADER = 'ISk5\\2MT382-1000';

/** The objects of the example telegram in DSMR 5.0.2 P1, section 6.12, three-phase with gas. */
export const DSMR_EXAMPLE_LINES: readonly string[] = [
  '1-3:0.2.8(50)',
  '0-0:1.0.0(101209113020W)',
  '0-0:96.1.1(4B384547303034303436333935353037)',
  '1-0:1.8.1(123456.789*kWh)',
  '1-0:1.8.2(123456.789*kWh)',
  '1-0:2.8.1(123456.789*kWh)',
  '1-0:2.8.2(123456.789*kWh)',
  '0-0:96.14.0(0002)',
  '1-0:1.7.0(01.193*kW)',
  '1-0:2.7.0(00.000*kW)',
  '0-0:96.7.21(00004)',
  '0-0:96.7.9(00002)',
  '1-0:99.97.0(2)(0-0:96.7.19)(101208152415W)(0000000240*s)(101208151004W)(0000000301*s)',
  '1-0:32.32.0(00002)',
  '0-0:96.13.0(303132333435363738393A3B3C3D3E3F)',
  '1-0:32.7.0(220.1*V)',
  '1-0:52.7.0(220.2*V)',
  '1-0:72.7.0(220.3*V)',
  '1-0:31.7.0(001*A)',
  '1-0:51.7.0(002*A)',
  '1-0:71.7.0(003*A)',
  '0-1:24.1.0(003)',
  '0-1:96.1.0(3232323241424344313233343536373839)',
  '0-1:24.2.1(101209112500W)(12785.123*m3)',
];
