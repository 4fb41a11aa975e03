import { afterEach, describe, expect, it } from 'vitest';
import { AvrBoard } from '../../sim/avr-board.ts';
import { encodePulseQuery } from '../sysex-codec.ts';
import type { FirmataIo } from './firmata-host.ts';
import { connectFirmata, ReportLog } from './firmata-host.ts';

/** Resolves when the firmware answers QUERY_FIRMWARE, or fails after `ms` of simulated time. */
async function firmwareAnswers(board: AvrBoard, io: FirmataIo, ms = 100): Promise<boolean> {
  let answered = false;
  io.queryFirmware(() => {
    answered = true;
  });
  return board.runUntil(() => answered, ms);
}

describe('communs-firmata survives bad input from the host', () => {
  let board: AvrBoard | undefined;
  let log: ReportLog | undefined;
  afterEach(async () => {
    log?.close();
    await board?.stop();
  });

  it('a truncated sysex (cut by a command byte) is dropped and the next command is answered', async () => {
    board = new AvrBoard();
    const io = await connectFirmata(board);
    board.transport.write(Buffer.from([0xf0, 0x01, 0x00, 0x00])); // pulse config, cut short
    expect(await firmwareAnswers(board, io)).toBe(true);
    // A sysex cut by REPORT_VERSION: the version byte itself must still be obeyed.
    let versions = 0;
    io.on('reportversion', () => versions++);
    board.transport.write(Buffer.from([0xf0, 0x02, 0x00, 0xf9]));
    expect(await board.runUntil(() => versions === 1, 50)).toBe(true);
  });

  it('a sysex overflowing the buffer, unknown ids and stray bytes leave the firmware answering', async () => {
    board = new AvrBoard();
    const io = await connectFirmata(board);
    log = new ReportLog(io);
    board.transport.write(Buffer.from([0xf0, 0x01, ...new Array<number>(300).fill(0x11), 0xf7]));
    board.transport.write(Buffer.from([0xf0, 0x0f, 0x01, 0x02, 0xf7])); // unused user id
    board.transport.write(Buffer.from([0xf0, 0xf7])); // empty sysex
    board.transport.write(Buffer.from([0x11, 0x22, 0x90, 0x01])); // stray data, half a message
    board.transport.write(Buffer.from([0xf0, 0x76, 0x50, 0x00, 0x01, 0xf7])); // odd-length I2C request
    expect(await firmwareAnswers(board, io, 200)).toBe(true);
    expect(log.strings.some((s) => s.startsWith('i2c: bad request'))).toBe(true);
    // Short extension messages get a readable refusal, then the extension still works.
    io.sysexCommand([0x01, 0x00, 0x00]);
    io.sysexCommand(encodePulseQuery(0));
    expect(await board.runUntil(() => log?.pulses.length === 1, 100)).toBe(true);
    expect(log.strings.some((s) => s.startsWith('pulse: bad config'))).toBe(true);
    expect(log.pulses[0]?.count).toBe(0);
  });

  it('SYSTEM_RESET stops reporting and the board stays usable', async () => {
    board = new AvrBoard();
    const io = await connectFirmata(board);
    io.pinMode(0, io.MODES.ANALOG);
    let reads = 0;
    io.analogRead(0, () => reads++);
    await board.advance(60);
    expect(reads).toBeGreaterThan(0);
    io.reset();
    await board.advance(5);
    const after = reads;
    await board.advance(60);
    expect(reads).toBe(after);
    expect(await firmwareAnswers(board, io)).toBe(true);
  });
});
