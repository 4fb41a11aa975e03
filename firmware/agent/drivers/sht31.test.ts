import { describe, expect, it } from 'vitest';
import { Sht31Chip } from '../../virtual/chips/sht31-chip.ts';
import { boardWithChips } from './i2c-fake.ts';
import { sensirionCrc, sensirionWords } from './sensirion-crc.ts';
import { SHT31_MEASURE, Sht31Driver, sht31Celsius } from './sht31.ts';

describe('Sensirion CRC-8', () => {
  it('gives 0x92 for 0xBEEF (SHT3x datasheet §4.12)', () => {
    expect(sensirionCrc(0xbe, 0xef)).toBe(0x92);
  });
  it('rejects a word whose CRC is wrong', () => {
    expect(sensirionWords([0xbe, 0xef, 0x93], 1)).toBeUndefined();
  });
});

describe('SHT31 driver', () => {
  it('converts raw words with the datasheet formulas', () => {
    expect(sht31Celsius(0)).toBe(-45);
    expect(sht31Celsius(65535)).toBe(130);
  });

  it('triggers a single shot and reads °C and %RH', async () => {
    const air = { celsius: -3.2, humidity: 87.5, hPa: 1000, co2: 0 };
    const board = boardWithChips(new Sht31Chip(0x44, () => air));
    const d = new Sht31Driver({ id: 'out', sleep: async () => {} });
    d.attach(board);
    const [t, h] = await d.read();
    expect(board.i2cWrites[0]).toEqual({ address: 0x44, bytes: SHT31_MEASURE });
    expect(t).toMatchObject({ sensor: 'out-temperature', unit: '°C' });
    expect(t?.value).toBeCloseTo(-3.2, 1);
    expect(h).toMatchObject({ sensor: 'out-humidity', unit: '%', value: 87.5 });
  });

  it('fails loudly on a corrupted reply rather than publishing garbage', async () => {
    const board = boardWithChips();
    board.i2cRead = async () => [1, 2, 3, 4, 5, 6];
    const d = new Sht31Driver({ id: 'out', sleep: async () => {} });
    d.attach(board);
    await expect(d.read()).rejects.toThrow(/CRC/);
  });
});
