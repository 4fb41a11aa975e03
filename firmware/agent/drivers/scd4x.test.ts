import { describe, expect, it } from 'vitest';
import { Scd4xChip } from '../../virtual/chips/scd4x-chip.ts';
import { boardWithChips } from './i2c-fake.ts';
import { Scd4xDriver } from './scd4x.ts';

describe('SCD4x driver', () => {
  it('starts periodic measurement and reads ppm once data is ready', async () => {
    let now = 0;
    const air = { celsius: 21, humidity: 50, hPa: 1013, co2: 812 };
    const board = boardWithChips(
      new Scd4xChip(
        0x62,
        () => air,
        () => now,
      ),
    );
    const d = new Scd4xDriver({ id: 'co2', sleep: async () => {} });
    d.attach(board);
    expect(board.i2cWrites[0]?.bytes).toEqual([0x21, 0xb1]);
    expect(await d.read()).toEqual([]); // the first measurement takes 5 s
    now = 5000;
    expect(await d.read()).toEqual([{ sensor: 'co2', quantity: 'co2', unit: 'ppm', value: 812 }]);
    now = 6000;
    expect(await d.read()).toEqual([]); // already read: no new measurement yet
  });
});
