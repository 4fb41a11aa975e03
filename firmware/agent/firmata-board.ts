import { EventEmitter } from 'node:events';
import firmataIo, { type Firmata as FirmataInstance } from 'firmata-io';
import five, { type Board as J5Board } from 'johnny-five';
import type { BoardPort } from './board-port.ts';
import type { BoardTransport } from './board-transport.ts';

const { Firmata } = firmataIo;

export interface FirmataBoardOptions {
  transport: BoardTransport;
  /** how long to wait for the firmware's version before asking for it (firmata-io waits 5 s) */
  reportVersionTimeoutMs?: number;
  /** how long the whole handshake may take */
  readyTimeoutMs?: number;
  i2cTimeoutMs?: number;
}

/**
 * One board driven by johnny-five through firmata-io over any transport: the only module that
 * imports them. `start` resolves once the Firmata handshake is done; after that a closed or failed
 * transport emits `lost` once, and each text the firmware sends (STRING_DATA) is emitted as
 * `firmware-message`. It implements BoardPort for the drivers.
 */
export class FirmataBoard extends EventEmitter implements BoardPort {
  private io: FirmataInstance | undefined;
  private board: J5Board | undefined;
  private i2cChain: Promise<unknown> = Promise.resolve();
  private i2cOn = false;
  private lost = false;

  constructor(private readonly opts: FirmataBoardOptions) {
    super();
  }

  get firmwareName(): string | undefined {
    return this.io?.firmware.name;
  }

  /** "communs-firmata 2.5", "StandardFirmata.ino 2.4": what the board reported at the handshake. */
  get firmwareVersion(): string | undefined {
    const f = this.io?.firmware;
    if (!f?.name) return undefined;
    return f.version ? `${f.name} ${f.version.major}.${f.version.minor}` : f.name;
  }

  start(): Promise<void> {
    const { transport } = this.opts;
    const io = new Firmata(transport, { reportVersionTimeout: this.opts.reportVersionTimeoutMs ?? 1000 });
    this.io = io;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const fail = (err: Error) => {
        if (!ready) {
          clearTimeout(timer);
          reject(err);
        } else this.markLost(err);
      };
      const timer = setTimeout(
        () => fail(new Error('the board did not complete the Firmata handshake (is our firmware flashed?)')),
        this.opts.readyTimeoutMs ?? 15_000,
      );
      transport.on('error', (e: Error) => fail(e));
      // firmata-io re-emits transport errors on itself once ready; an unheard 'error' would throw
      io.on('error', (e: Error) => fail(e));
      transport.on('close', () => fail(new Error('the board closed the connection')));
      io.on('string', (text: string) => this.emit('firmware-message', text.trim()));
      // johnny-five waits for the io's handshake; REPL, debug output and its SIGINT handler are ours to own
      const board = new five.Board({
        io,
        repl: false,
        debug: false,
        sigint: false,
        timeout: this.opts.readyTimeoutMs ?? 15_000,
      });
      this.board = board;
      board.on('error', (e: Error) => fail(e));
      board.once('ready', () => {
        ready = true;
        clearTimeout(timer);
        resolve();
      });
      // firmata-io has attached its listeners: now the transport may open
      transport.connect();
    });
  }

  async stop(): Promise<void> {
    this.lost = true;
    // johnny-five arms a 10 s "no ready after connect" timer that would fire into a closed board
    if (this.board?.timer) clearTimeout(this.board.timer);
    await new Promise<void>((r) => this.opts.transport.close(() => r()));
    // late errors of a closed connection (a socket's ECONNRESET) must not crash the agent
    for (const emitter of [this.board, this.io, this.opts.transport]) {
      emitter?.removeAllListeners();
      emitter?.on('error', () => undefined);
    }
  }

  private markLost(err: Error): void {
    if (this.lost) return;
    this.lost = true;
    this.emit('lost', err);
  }

  private get ready(): FirmataInstance {
    if (!this.io || this.lost) throw new Error('board not connected');
    return this.io;
  }

  analogRead(channel: number, listener: (raw: number) => void): void {
    const io = this.ready;
    // firmata-io would throw a TypeError deep inside for a channel the board did not map
    const count = io.analogPins.length;
    if (channel >= count) {
      throw new Error(
        `this board has no A${channel} (its analog pins are A0-A${count - 1}) — wire the sensor to one of them and fix "pin" in the config`,
      );
    }
    io.analogRead(channel, listener);
  }

  i2cConfig(): void {
    if (this.i2cOn) return;
    this.ready.i2cConfig(0);
    this.i2cOn = true;
  }

  i2cWrite(address: number, bytes: number[]): void {
    this.ready.i2cWrite(address, bytes);
  }

  /** Reads are serialised: firmata-io matches replies by address and register only. */
  i2cRead(address: number, register: number | null, length: number): Promise<number[]> {
    const run = () =>
      new Promise<number[]>((resolve, reject) => {
        const io = this.ready;
        const timer = setTimeout(
          () =>
            reject(new Error(`no reply from the I2C device at 0x${address.toString(16)} — check its wiring`)),
          this.opts.i2cTimeoutMs ?? 1000,
        );
        const done = (data: number[]) => {
          clearTimeout(timer);
          resolve(data);
        };
        if (register === null) io.i2cReadOnce(address, length, done);
        else io.i2cReadOnce(address, register, length, done);
      });
    const next = this.i2cChain.then(run, run);
    this.i2cChain = next.catch(() => undefined);
    return next;
  }

  serialOpen(
    rxPin: number,
    txPin: number | undefined,
    baud: number,
    listener: (bytes: number[]) => void,
  ): void {
    const io = this.ready;
    const portId = io.SERIAL_PORT_IDs.SW_SERIAL0;
    // Firmata's serial config wants both pins; a receive-only sensor gets its RX pin twice
    io.serialConfig({ portId, baud, rxPin, txPin: txPin ?? rxPin });
    io.serialRead(portId, listener);
  }

  serialWrite(bytes: number[]): void {
    const io = this.ready;
    io.serialWrite(io.SERIAL_PORT_IDs.SW_SERIAL0, bytes);
  }

  sysexCommand(bytes: number[]): void {
    this.ready.sysexCommand(bytes);
  }

  onSysex(command: number, listener: (data: number[]) => void): () => void {
    const io = this.ready;
    // firmata-io keeps sysex handlers in one table shared by every board of the process; the
    // handler is called with the receiving board as `this`, so one handler re-emits per board
    if (!Firmata.SYSEX_RESPONSE[command]) {
      io.sysexResponse(command, function (this: FirmataInstance, data: number[]) {
        this.emit(`communs-sysex-${command}`, data);
      });
    }
    const event = `communs-sysex-${command}`;
    io.on(event, listener);
    return () => io.off(event, listener);
  }
}
