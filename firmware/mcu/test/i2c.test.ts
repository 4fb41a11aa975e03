import { afterEach, describe, expect, it } from 'vitest';
import { AvrBoard } from '../../sim/avr-board.ts';
import { RegisterI2cDevice } from '../../sim/i2c-bus.ts';
import { connectFirmata, ReportLog } from './firmata-host.ts';

describe('Firmata I2C on the TWI hardware', () => {
  let board: AvrBoard | undefined;
  let log: ReportLog | undefined;
  afterEach(async () => {
    log?.close();
    await board?.stop();
  });

  it('writes registers, reads once and continuously, and reports a missing device', async () => {
    const sensor = new RegisterI2cDevice();
    sensor.registers[0xd0] = 0x60; // a BME280 chip id
    sensor.registers.set([0x12, 0x34, 0x56], 0xf7);
    board = new AvrBoard({ i2cDevices: new Map([[0x76, sensor]]) });
    const io = await connectFirmata(board);
    log = new ReportLog(io);
    io.i2cConfig(0);

    const id = await new Promise<number[]>((resolve) => io.i2cReadOnce(0x76, 0xd0, 1, resolve));
    expect(id).toEqual([0x60]);

    io.i2cWrite(0x76, 0xf4, [0x27, 0xa0]);
    await board.advance(10);
    expect([...sensor.registers.subarray(0xf4, 0xf6)]).toEqual([0x27, 0xa0]);

    const replies: number[][] = [];
    io.i2cRead(0x76, 0xf7, 3, (data) => replies.push(data));
    await board.advance(100); // ~5 sampling intervals of 19 ms
    expect(replies.length).toBeGreaterThanOrEqual(4);
    expect(replies.at(-1)).toEqual([0x12, 0x34, 0x56]);
    io.i2cStop(0x76);
    await board.advance(30);
    const stopped = replies.length;
    await board.advance(60);
    expect(replies.length).toBe(stopped);

    io.i2cReadOnce(0x44, 0x00, 2, () => {});
    expect(await board.runUntil(() => (log?.strings.length ?? 0) > 0, 100)).toBe(true);
    expect(log.strings[0]).toBe('i2c: no answer from device');
  });
});
