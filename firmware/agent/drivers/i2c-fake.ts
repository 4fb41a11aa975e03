import type { I2cDevice } from '../../virtual/chips/i2c-device.ts';
import { FakeBoard } from './fake-board.ts';

/**
 * A FakeBoard whose I2C bus carries virtual chips, the way the virtual board's bus does: a read
 * with a register first writes the register, as Firmata's I2C_REQUEST does on a real board.
 */
export function boardWithChips(...chips: I2cDevice[]): FakeBoard {
  const byAddress = new Map(chips.map((c) => [c.address, c]));
  const board = new FakeBoard((address, register, length) => {
    const chip = byAddress.get(address);
    if (!chip) return [];
    if (register !== null) chip.write([register]);
    return chip.read(length);
  });
  const write = board.i2cWrite.bind(board);
  board.i2cWrite = (address, bytes) => {
    write(address, bytes);
    byAddress.get(address)?.write(bytes);
  };
  return board;
}
