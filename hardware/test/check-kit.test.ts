import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkKit } from '../../protocol/kit.ts';
import { kitPath } from '../kit-files.ts';

/** A fresh copy of a real kit to break in one place. */
function kit(id: string): Record<string, unknown> & { connections: Record<string, unknown>[] } {
  return JSON.parse(readFileSync(kitPath(id), 'utf8'));
}

function problems(input: unknown): string {
  return checkKit(input).join('\n');
}

describe('checkKit', () => {
  it('reports schema problems with their path', () => {
    const k = kit('meter-pulses');
    k.board = 'arduino-mega';
    expect(problems(k)).toMatch(/^board: /);
  });

  it('refuses two wires on one signal pin, and says to join them on a breadboard row', () => {
    const k = kit('meter-pulses');
    k.connections = k.connections.map((c) =>
      c.from === 'photo.E' || c.from === 'r1.1' ? { ...c, to: 'D2' } : c,
    );
    k.connections = k.connections.filter((c) => c.from !== 'net:pulse');
    expect(problems(k)).toContain('D2 has 2 wires (photo.E, r1.1)');
    expect(problems(k)).toContain('join them on a breadboard row');
  });

  it('lets the I2C bus pins and the power rails be shared', () => {
    // indoor-climate puts two I2C devices on A4/A5 and both on 5V/GND
    const k = kit('indoor-climate');
    k.connections = k.connections.map((c) => ({ ...c, optional: undefined }));
    expect(checkKit(k)).toEqual([]);
  });

  it('refuses a non-I2C pin on the I2C bus', () => {
    const k = kit('outdoor-air');
    k.connections.push({ from: 'sds.TX', to: 'A4', wire: 'green' });
    expect(problems(k)).toContain('A4 is the I2C bus; sds.TX is not an I2C pin');
  });

  it('puts analog sensors on analog pins that exist on the board', () => {
    const k = kit('current-clamp');
    const sensors = k.sensors as Record<string, unknown>[];
    k.sensors = [{ ...sensors[0], pin: 'A6' }];
    k.connections = k.connections.map((c) => (c.to === 'A0' ? { ...c, to: 'A6' } : c));
    const text = problems(k);
    expect(text).toContain('A6 does not exist on the Arduino Uno');
    expect(text).toContain('pin A6 is not a analog pin on the Arduino Uno');
  });

  it('puts interrupt-driven pulse inputs on INT0/INT1 (D2/D3)', () => {
    const k = kit('meter-pulses');
    k.sensors = [{ type: 'meter-pulses', id: 'meter', pin: 'D4' }];
    expect(problems(k)).toMatch(/sensors\.0\.pin: .*"D2".*"D3"/);
  });

  it('checks pins against the chosen board', () => {
    const k = kit('meter-pulses');
    k.board = 'pro-mini';
    expect(problems(k)).toContain('5V does not exist on the Arduino Pro Mini');
  });

  it('requires every sensor pin to be wired, from that sensor’s own part', () => {
    const unwired = kit('meter-pulses');
    unwired.connections = unwired.connections.filter((c) => c.to !== 'D2');
    expect(problems(unwired)).toContain('reads D2 (pin) but no wire goes to D2');
    const wrongPart = kit('meter-pulses');
    wrongPart.sensors = [{ type: 'meter-pulses', id: 'meter', pin: 'D3' }];
    wrongPart.connections.push({ from: 'r1.2', to: 'D3', wire: 'white' });
    expect(problems(wrongPart)).toContain('its part "photo" is not wired to D3');
    const i2c = kit('indoor-climate');
    i2c.connections = i2c.connections.filter((c) => c.from !== 'bme.SCL');
    expect(problems(i2c)).toContain('reads A5 (SCL) but its part "bme" is not wired to A5');
  });

  it('keeps the USB serial pins D0/D1 free for the link to the node agent', () => {
    const k = kit('outdoor-air');
    k.connections = k.connections.map((c) => (c.to === 'D8' ? { ...c, to: 'D0' } : c));
    k.sensors = (k.sensors as Record<string, unknown>[]).map((s) =>
      s.id === 'dust' ? { ...s, rxPin: 'D0' } : s,
    );
    expect(problems(k)).toContain("D0 is the Arduino Uno's USB serial link");
  });

  it('catches two I2C sensors on one address', () => {
    const k = kit('indoor-climate');
    k.sensors = [...(k.sensors as unknown[]), { type: 'sht31', id: 'second', address: 118 }];
    k.parts = [...(k.parts as unknown[]), { id: 'sht', part: 'SHT31', qty: 1, sensor: 'second' }];
    k.connections.push(
      { from: 'sht.SDA', to: 'A4', wire: 'blue' },
      { from: 'sht.SCL', to: 'A5', wire: 'yellow' },
    );
    expect(problems(k)).toContain('I2C address 0x76 is already taken by "climate"');
  });

  it('catches wires to unknown parts and rows that lead nowhere', () => {
    const k = kit('meter-pulses');
    k.connections.push({ from: 'ghost.1', to: 'net:lonely', wire: 'grey' });
    const text = problems(k);
    expect(text).toContain('names the part "ghost", not in parts');
    expect(text).toContain('net:lonely has a single wire');
  });

  it('keeps calibration defaults equal to the sensor config', () => {
    const k = kit('meter-pulses');
    k.sensors = [{ type: 'meter-pulses', id: 'meter', pin: 'D2', impPerKwh: 500 }];
    expect(problems(k)).toContain('meter.impPerKwh is 500 in sensors but 1000 here');
  });

  it('keeps powerW equal to the sum of the non-optional draws, each on a known part', () => {
    const k = kit('current-clamp');
    const power = k.power as { powerW: number; draws: Record<string, unknown>[] };
    power.powerW = 0.5;
    power.draws.push({ part: 'fridge', watts: 0, basis: 'x', source: 'y' });
    const text = problems(k);
    expect(text).toContain('powerW is 0.5 W but the non-optional draws add up to 0.234 W');
    expect(text).toContain('the draw of "fridge" names no part');
  });

  it('requires each sensor to have exactly one part', () => {
    const k = kit('meter-pulses');
    k.parts = (k.parts as Record<string, unknown>[]).map((p) => ({ ...p, sensor: undefined }));
    expect(problems(k)).toContain('0 parts name it in "sensor"');
  });
});
