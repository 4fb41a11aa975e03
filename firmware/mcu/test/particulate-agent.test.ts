import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoardTransport } from '../../agent/board-transport.ts';
import { ParticulateDriver } from '../../agent/drivers/particulate.ts';
import {
  type ParticulateCommand,
  ParticulateCommandParser,
} from '../../agent/drivers/particulate-commands.ts';
import { encodeSds011 } from '../../agent/drivers/particulate-frames.ts';
import { FirmataBoard } from '../../agent/firmata-board.ts';
import { AvrBoard } from '../../sim/avr-board.ts';
import { UartPins } from '../../sim/uart-pins.ts';

/** The simulated Uno's serial port as the agent's transport: connecting powers the board on. */
class AvrTransport extends EventEmitter implements BoardTransport {
  constructor(private readonly avr: AvrBoard) {
    super();
    const port = avr.transport;
    port.on('open', () => this.emit('open'));
    port.on('data', (d: Buffer) => this.emit('data', d));
    port.on('close', () => this.emit('close'));
    port.on('error', (e: Error) => this.emit('error', e));
  }
  connect(): void {
    this.avr.start();
  }
  write(data: Buffer | number[], callback?: (err?: Error | null) => void): boolean {
    return this.avr.transport.write(Buffer.from(data), (err) => callback?.(err ?? null));
  }
  close(callback?: () => void): void {
    void this.avr.stop().finally(() => callback?.());
  }
}

/** An SDS011 on the board's D8 (its TX) and D9 (its RX): a frame a second while awake. */
class SimulatedSds011 {
  readonly commands: ParticulateCommand[] = [];
  awake = false;
  private readonly line: UartPins;
  private readonly parser = new ParticulateCommandParser('sds011');

  constructor(
    private readonly avr: AvrBoard,
    private readonly air: { pm25: number; pm10: number },
  ) {
    this.line = new UartPins(avr, { boardRx: 8, boardTx: 9, baud: 9600 });
    this.line.onByte = (b) => {
      for (const c of this.parser.push([b])) {
        this.commands.push(c);
        this.awake = c === 'wake';
      }
    };
    this.tick();
  }

  private tick(): void {
    if (this.awake) this.line.send(encodeSds011(this.air));
    this.avr.atCycle(this.avr.cycles + 16_000_000, () => this.tick());
  }
}

describe('the agent particulate driver on the real firmware image, with an SDS011 on D8/D9', () => {
  let board: FirmataBoard | undefined;
  afterEach(async () => {
    await board?.stop();
    board = undefined;
  });

  it('wakes the sensor over SERIAL_WRITE, averages its frames from SERIAL_REPLY, and puts it to sleep', async () => {
    const avr = new AvrBoard({ realtime: false });
    board = new FirmataBoard({ transport: new AvrTransport(avr), readyTimeoutMs: 20_000 });
    await board.start();
    const sensor = new SimulatedSds011(avr, { pm25: 12.3, pm10: 45.6 });
    // the kit's sensor entry (hardware/outdoor-air/kit.json), measuring all the time
    const driver = new ParticulateDriver({
      id: 'dust',
      type: 'sds011',
      rxPin: 'D8',
      txPin: 'D9',
      periodMinutes: 0,
    });
    driver.attach(board);
    await avr.runUntil(() => sensor.awake, 500);
    expect(sensor.commands).toEqual(['wake']);
    await avr.advance(3500);
    const readings = await driver.read();
    expect(readings.map((r) => [r.sensor, r.value])).toEqual([
      ['dust-pm25', 12.3],
      ['dust-pm10', 45.6],
    ]);
    driver.detach();
    await avr.runUntil(() => !sensor.awake, 500);
    expect(sensor.commands).toEqual(['wake', 'sleep']);
  }, 60_000);
});
