/** Firmata 2.x command bytes (firmata/protocol: protocol.md, i2c.md, serial-1.0.md). */
export const FIRMATA = {
  DIGITAL_MESSAGE: 0x90,
  ANALOG_MESSAGE: 0xe0,
  REPORT_ANALOG: 0xc0,
  REPORT_DIGITAL: 0xd0,
  START_SYSEX: 0xf0,
  SET_PIN_MODE: 0xf4,
  SET_DIGITAL_PIN_VALUE: 0xf5,
  END_SYSEX: 0xf7,
  REPORT_VERSION: 0xf9,
  SYSTEM_RESET: 0xff,
  SERIAL_MESSAGE: 0x60,
  ANALOG_MAPPING_QUERY: 0x69,
  ANALOG_MAPPING_RESPONSE: 0x6a,
  CAPABILITY_QUERY: 0x6b,
  CAPABILITY_RESPONSE: 0x6c,
  STRING_DATA: 0x71,
  I2C_REQUEST: 0x76,
  I2C_REPLY: 0x77,
  I2C_CONFIG: 0x78,
  REPORT_FIRMWARE: 0x79,
  SAMPLING_INTERVAL: 0x7a,
} as const;

/** Pin modes in capability responses. */
export const MODE = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, I2C: 6, PULLUP: 0x0b } as const;

/** ATmega328P (Uno, Nano): D0-D13 then A0-A5 as pins 14-19; PWM on 3, 5, 6, 9, 10, 11; I2C on A4/A5. */
export function capabilityResponse(): number[] {
  const out: number[] = [FIRMATA.START_SYSEX, FIRMATA.CAPABILITY_RESPONSE];
  for (let pin = 0; pin < 20; pin++) {
    if (pin >= 2) out.push(MODE.INPUT, 1, MODE.OUTPUT, 1, MODE.PULLUP, 1);
    if ([3, 5, 6, 9, 10, 11].includes(pin)) out.push(MODE.PWM, 8);
    if (pin >= 14) out.push(MODE.ANALOG, 10);
    if (pin === 18 || pin === 19) out.push(MODE.I2C, 1);
    out.push(0x7f);
  }
  out.push(FIRMATA.END_SYSEX);
  return out;
}

export function analogMappingResponse(): number[] {
  const out: number[] = [FIRMATA.START_SYSEX, FIRMATA.ANALOG_MAPPING_RESPONSE];
  for (let pin = 0; pin < 20; pin++) out.push(pin >= 14 ? pin - 14 : 0x7f);
  out.push(FIRMATA.END_SYSEX);
  return out;
}

/** Firmata's 7-bit pairs: each byte as LSB (7 bits) then MSB (the 8th bit). */
export function toPairs(bytes: readonly number[]): number[] {
  return bytes.flatMap((b) => [b & 0x7f, (b >> 7) & 0x7f]);
}

export function fromPairs(data: readonly number[], from = 0): number[] {
  const out: number[] = [];
  for (let i = from; i + 1 < data.length; i += 2)
    out.push(((data[i] ?? 0) & 0x7f) | (((data[i + 1] ?? 0) & 0x7f) << 7));
  return out;
}
