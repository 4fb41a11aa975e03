import { KIT_BOARDS, type KitBoard, type SensorConfig } from '../../protocol/index.ts';

/**
 * Checks that span several sensors of a kit, which a schema cannot express: every pin wired once,
 * I2C devices on distinct addresses, nothing analog on the I2C bus pins. Returns the first problem
 * as `field: problem — fix`, or undefined.
 */

/** SDA and SCL of an ATmega328P (Uno, Nano, Pro Mini): I2C sensors share them. */
const I2C_PINS: Record<string, string> = { A4: 'SDA', A5: 'SCL' };

/** The clamp sampler converts channels 0-5 only (firmware/mcu/src/clamp.c, docs/FIRMWARE.md). */
const CLAMP_PINS = /^A[0-5]$/;

/** Default addresses from the datasheets (BME280: SDO to GND; SHT31: ADDR to GND; SCD4x: fixed). */
export const DEFAULT_I2C_ADDRESS: Record<'bme280' | 'sht31' | 'scd4x', number> = {
  bme280: 0x76,
  sht31: 0x44,
  scd4x: 0x62,
};

export function i2cAddressOf(s: SensorConfig): number | undefined {
  if (s.type === 'bme280' || s.type === 'sht31' || s.type === 'scd4x') {
    return s.address ?? DEFAULT_I2C_ADDRESS[s.type];
  }
  return undefined;
}

/**
 * `board`: the kit's board, when a kit names it; A6/A7 and D0/D1 are checked against it (an Uno
 * has no A6; D0/D1 are the USB serial link of every ATmega328P board).
 */
export function checkSensors(sensors: readonly SensorConfig[], board?: string): string | undefined {
  const profile = board && board in KIT_BOARDS ? KIT_BOARDS[board as KitBoard] : undefined;
  const serialLink = profile?.serialLink ?? KIT_BOARDS.uno.serialLink;
  const ids = new Map<string, number>();
  const pins = new Map<string, string>();
  const addresses = new Map<number, number>();
  const usesI2c = sensors.some((s) => i2cAddressOf(s) !== undefined);
  let clamp: number | undefined;
  let serial: number | undefined;
  for (const [i, s] of sensors.entries()) {
    const at = `sensors[${i}]`;
    // the firmware has one clamp sampler and one software serial port (firmware/mcu/src/clamp.c)
    if (s.type === 'current-clamp') {
      if (clamp !== undefined) {
        return `${at}.type: a board measures one current clamp and sensors[${clamp}] is one — use a second board for this clamp`;
      }
      clamp = i;
    }
    if (s.type === 'sds011' || s.type === 'pms5003') {
      if (serial !== undefined) {
        return `${at}.type: a board has one software serial port and sensors[${serial}] uses it — use a second board`;
      }
      serial = i;
      if (s.periodMinutes > 0 && !s.txPin) {
        return `${at}.periodMinutes: the agent puts the sensor to sleep between measurements by writing to its RX input, and no "txPin" says where that is wired — wire it (through a divider for the SDS011) and set "txPin", or set "periodMinutes" to 0`;
      }
    }
    const dupId = ids.get(s.id);
    if (dupId !== undefined) {
      return `${at}.id: "${s.id}" is already the id of sensors[${dupId}] — give each sensor its own id`;
    }
    ids.set(s.id, i);
    const address = i2cAddressOf(s);
    if (address !== undefined) {
      const other = addresses.get(address);
      if (other !== undefined) {
        const hex = `0x${address.toString(16)}`;
        return `${at}.address: ${hex} is already used by sensors[${other}] on the I2C bus — set "address" to the chip's other address`;
      }
      addresses.set(address, i);
      continue;
    }
    for (const [field, pin] of pinsOf(s)) {
      if (serialLink.includes(pin)) {
        return `${at}.${field}: D0 and D1 carry the board's USB link to the agent — wire the sensor to D2-D13 and fix "${field}"`;
      }
      if (s.type === 'current-clamp' && !CLAMP_PINS.test(pin)) {
        return `${at}.${field}: the firmware samples the clamp on A0-A5 only, got ${pin} — wire it to A0-A5 and fix "${field}"`;
      }
      if (profile && pin.startsWith('A') && !profile.analog.includes(pin)) {
        const last = profile.analog.at(-1);
        return `${at}.${field}: an ${profile.label} has no ${pin} (its analog pins are A0-${last}; A6 and A7 are on a Nano or a Pro Mini) — wire the sensor to A0-${last} and fix "${field}"`;
      }
      const bus = I2C_PINS[pin];
      if (usesI2c && bus) {
        return `${at}.${field}: ${pin} is the I2C bus (${bus}) the climate sensors use — wire this sensor to another pin and fix "${field}"`;
      }
      const owner = pins.get(pin);
      if (owner !== undefined) {
        return `${at}.${field}: ${pin} is already used by ${owner} — wire this sensor to a free pin and fix "${field}"`;
      }
      pins.set(pin, `${at}.${field}`);
    }
  }
  return undefined;
}

function pinsOf(s: SensorConfig): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if ('pin' in s) out.push(['pin', s.pin]);
  if (s.type === 'current-clamp' && s.voltagePin) out.push(['voltagePin', s.voltagePin]);
  if (s.type === 'sds011' || s.type === 'pms5003') {
    out.push(['rxPin', s.rxPin]);
    if (s.txPin) out.push(['txPin', s.txPin]);
  }
  return out;
}
