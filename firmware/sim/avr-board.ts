/**
 * An Arduino Uno/Nano (ATmega328P, 16 MHz) simulated by avr8js, running a real firmware image.
 *
 *   const board = new AvrBoard({ realtime: false });
 *   const io = new Firmata(board.transport, { reportVersionTimeout: 200 }); // before or right after start()
 *   board.start();
 *   board.setAnalogWaveform(0, (t) => 2.5 + Math.sin(2 * Math.PI * 50 * t));
 *   board.pulseTrain(2, { startMs: board.timeMs + 10, count: 5, periodMs: 100, widthMs: 40 });
 *   await board.advance(1000); // simulated milliseconds
 *   await board.stop();
 *
 * Time is the simulated CPU clock: inputs scheduled with at()/pulseTrain() land on exact cycles, so
 * tests are deterministic however fast the host runs. Unthrottled, the simulation runs as fast as the
 * host allows; `realtime: true` keeps it at wall-clock speed (for demos and long-running agents).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ADCMuxInputType,
  AVRADC,
  AVRIOPort,
  AVRTimer,
  AVRTWI,
  AVRUSART,
  adcConfig,
  avrInstruction,
  CPU,
  PinState,
  portBConfig,
  portCConfig,
  portDConfig,
  timer0Config,
  timer1Config,
  timer2Config,
  twiConfig,
  usart0Config,
} from 'avr8js';
import type { I2cDevice } from './i2c-bus.ts';
import { I2cBus } from './i2c-bus.ts';
import { parseIntelHex } from './intel-hex.ts';
import { SimSerialPort } from './sim-serial-port.ts';

export const FIRMWARE_HEX_PATH = fileURLToPath(new URL('../mcu/communs-firmata.hex', import.meta.url));

const FREQUENCY_HZ = 16_000_000;

export interface AvrBoardOptions {
  /** Intel HEX text of the firmware; defaults to the committed firmware/mcu/communs-firmata.hex. */
  hex?: string;
  /** Keep simulated time at wall-clock speed instead of running flat out. Default false. */
  realtime?: boolean;
  /** Simulated milliseconds run per event-loop turn. Default 5. */
  sliceMs?: number;
  /** AVCC, the ADC reference, in volts. Default 5. */
  avcc?: number;
  /** Simulated I2C devices by 7-bit address. */
  i2cDevices?: ReadonlyMap<number, I2cDevice>;
}

export interface PulseTrain {
  /** Simulated time of the first rising (active) edge, in ms. */
  startMs: number;
  count: number;
  periodMs: number;
  widthMs: number;
  /** Active level is low (open-collector S0 outputs with a pull-up). Default false. */
  activeLow?: boolean;
}

/** What the firmware does with a pin: drives it low or high, or leaves it an input. */
export type PinDrive = 'low' | 'high' | 'input';

/** A waveform for an analog pin: volts as a function of simulated time in seconds. */
export type Waveform = (seconds: number) => number;

interface Waiter {
  cycles: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Machine {
  cpu: CPU;
  ports: { b: AVRIOPort; c: AVRIOPort; d: AVRIOPort };
  usart: AVRUSART;
  adc: AVRADC;
}

export class AvrBoard {
  /** serialport-like Duplex for firmata-io: `new Firmata(board.transport)`. */
  readonly transport: SimSerialPort;
  private readonly options: Required<Omit<AvrBoardOptions, 'hex' | 'i2cDevices'>> & AvrBoardOptions;
  private machine: Machine | undefined;
  private readonly toBoard: number[] = [];
  private readonly fromBoard: number[] = [];
  private readonly waveforms = new Map<number, Waveform>();
  private waiters: Waiter[] = [];
  /** the next slice: an immediate when the simulation is behind wall-clock time, a timeout when ahead */
  private timer: { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout } | undefined;
  private wallStart = 0;

  constructor(options: AvrBoardOptions = {}) {
    this.options = { realtime: false, sliceMs: 5, avcc: 5, ...options };
    this.transport = new SimSerialPort((bytes) => {
      for (const b of bytes) this.toBoard.push(b);
      this.feedUsart();
    });
  }

  /** Powers the board on: loads the image, boots the CPU and starts running it. */
  start(): void {
    if (this.machine) throw new Error('AvrBoard.start(): already started');
    const hex = this.options.hex ?? readFileSync(FIRMWARE_HEX_PATH, 'utf8');
    const flash = parseIntelHex(hex);
    const cpu = new CPU(new Uint16Array(flash.buffer));
    new AVRTimer(cpu, timer0Config);
    new AVRTimer(cpu, timer1Config);
    new AVRTimer(cpu, timer2Config);
    const ports = {
      b: new AVRIOPort(cpu, portBConfig),
      c: new AVRIOPort(cpu, portCConfig),
      d: new AVRIOPort(cpu, portDConfig),
    };
    const usart = new AVRUSART(cpu, usart0Config, FREQUENCY_HZ);
    usart.onByteTransmit = (b) => this.fromBoard.push(b);
    usart.onRxComplete = () => this.feedUsart();
    const adc = new AVRADC(cpu, adcConfig);
    adc.avcc = this.options.avcc;
    adc.onADCRead = (input) => {
      const volts = input.type === ADCMuxInputType.SingleEnded ? this.analogVolts(input.channel) : 0;
      const raw = Math.min(1023, Math.max(0, Math.floor((volts / adc.referenceVoltage) * 1024)));
      cpu.addClockEvent(() => adc.completeADCRead(raw), adc.sampleCycles);
    };
    const twi = new AVRTWI(cpu, twiConfig, FREQUENCY_HZ);
    twi.eventHandler = new I2cBus(twi, this.options.i2cDevices ?? new Map());
    this.machine = { cpu, ports, usart, adc };
    this.wallStart = performance.now();
    // firmata-io attaches its listeners synchronously in its constructor; open comes after that, and
    // before the first slice runs, so the boot announcement reaches the host.
    setImmediate(() => this.transport.markOpen());
    this.schedule(0);
  }

  /** Powers the board off. Pending advance()/runUntil() calls reject. */
  async stop(): Promise<void> {
    // each kind to its own clear: clearImmediate given a Timeout lowers Node's count of pending
    // immediates, and every later setImmediate of the process then waits (seconds, in a test hub)
    const timer = this.timer;
    if (timer && 'immediate' in timer) clearImmediate(timer.immediate);
    else if (timer) clearTimeout(timer.timeout);
    this.timer = undefined;
    this.machine = undefined;
    for (const w of this.waiters) w.reject(new Error('AvrBoard stopped'));
    this.waiters = [];
    this.transport.close();
  }

  /** Simulated time since power-on, in milliseconds. */
  get timeMs(): number {
    return this.machine ? (this.machine.cpu.cycles / FREQUENCY_HZ) * 1000 : 0;
  }

  /** Resolves once simulated time has advanced by `ms`. */
  advance(ms: number): Promise<void> {
    const { cpu } = this.running();
    return new Promise((resolve, reject) => {
      this.waiters.push({ cycles: cpu.cycles + Math.round((ms / 1000) * FREQUENCY_HZ), resolve, reject });
      this.waiters.sort((a, b) => a.cycles - b.cycles);
    });
  }

  /** Runs until `done()` is true (checked between slices) or `maxMs` simulated ms have passed. */
  async runUntil(done: () => boolean, maxMs: number): Promise<boolean> {
    const end = this.timeMs + maxMs;
    while (!done()) {
      if (this.timeMs >= end) return false;
      await this.advance(this.options.sliceMs);
    }
    return true;
  }

  /** CPU cycles since power-on (16 per µs): the finest time base, for serial bit timing. */
  get cycles(): number {
    return this.machine ? this.machine.cpu.cycles : 0;
  }

  /** Calls `fn` at CPU cycle `cycle` (rounded to a whole cycle; at once if already past). */
  atCycle(cycle: number, fn: () => void): void {
    const { cpu } = this.running();
    cpu.addClockEvent(() => fn(), Math.max(0, Math.round(cycle) - cpu.cycles));
  }

  /**
   * Calls `listener` with the cycle whenever the firmware changes what it does with digital pin 0-19:
   * drives it low or high, or leaves it an input. Returns a function that stops watching.
   */
  watchPin(pin: number, listener: (drive: PinDrive, cycle: number) => void): () => void {
    const { cpu } = this.running();
    const [port, index] = this.portOf(pin);
    const driveOf = (): PinDrive => {
      const state = port.pinState(index);
      return state === PinState.Low ? 'low' : state === PinState.High ? 'high' : 'input';
    };
    let last = driveOf();
    const onWrite = () => {
      const now = driveOf();
      if (now === last) return;
      last = now;
      listener(now, cpu.cycles);
    };
    port.addListener(onWrite);
    return () => port.removeListener(onWrite);
  }

  /** Calls `fn` at simulated time `timeMs` (exact to the cycle). */
  at(timeMs: number, fn: () => void): void {
    const { cpu } = this.running();
    const cycles = Math.round((timeMs / 1000) * FREQUENCY_HZ) - cpu.cycles;
    cpu.addClockEvent(() => fn(), cycles);
  }

  /** Sets a constant voltage on analog channel A0-A5. */
  setAnalogVoltage(channel: number, volts: number): void {
    this.setAnalogWaveform(channel, () => volts);
  }

  /** Sets a time-varying voltage on analog channel A0-A5, sampled at each conversion's start. */
  setAnalogWaveform(channel: number, waveform: Waveform): void {
    if (!Number.isInteger(channel) || channel < 0 || channel > 5) {
      throw new Error(`analog channel must be 0-5, got ${channel}`);
    }
    this.waveforms.set(channel, waveform);
  }

  /** Drives digital pin 0-19 (Firmata numbering: A0-A5 are 14-19) from outside. */
  setDigitalInput(pin: number, high: boolean): void {
    const [port, index] = this.portOf(pin);
    port.setPin(index, high);
  }

  /** The AVR port and bit of digital pin 0-19 (Firmata numbering). */
  private portOf(pin: number): [AVRIOPort, number] {
    const { ports } = this.running();
    if (!Number.isInteger(pin) || pin < 0 || pin > 19) throw new Error(`pin must be 0-19, got ${pin}`);
    if (pin < 8) return [ports.d, pin];
    if (pin < 14) return [ports.b, pin - 8];
    return [ports.c, pin - 14];
  }

  /** Schedules a train of pulses on a digital pin; returns the simulated time the last one ends. */
  pulseTrain(pin: number, train: PulseTrain): number {
    const active = !train.activeLow;
    let end = train.startMs;
    for (let i = 0; i < train.count; i++) {
      const t = train.startMs + i * train.periodMs;
      this.at(t, () => this.setDigitalInput(pin, active));
      this.at(t + train.widthMs, () => this.setDigitalInput(pin, !active));
      end = t + train.widthMs;
    }
    return end;
  }

  private running(): Machine {
    if (!this.machine) throw new Error('AvrBoard is not started: call start() first');
    return this.machine;
  }

  private analogVolts(channel: number): number {
    const waveform = this.waveforms.get(channel);
    return waveform ? waveform(this.timeMs / 1000) : 0;
  }

  /** Hands the next queued host byte to the USART, one character time after the previous one. */
  private feedUsart(): void {
    const usart = this.machine?.usart;
    if (!usart || this.toBoard.length === 0 || usart.rxBusy) return;
    if (usart.writeByte(this.toBoard[0] ?? 0)) this.toBoard.shift();
  }

  private schedule(delayMs: number): void {
    this.timer =
      delayMs > 0 ? { timeout: setTimeout(this.slice, delayMs) } : { immediate: setImmediate(this.slice) };
  }

  private readonly slice = (): void => {
    const machine = this.machine;
    if (!machine) return;
    const { cpu } = machine;
    let target = cpu.cycles + Math.round((this.options.sliceMs / 1000) * FREQUENCY_HZ);
    const next = this.waiters[0];
    if (next && next.cycles < target) target = next.cycles;
    this.feedUsart();
    while (cpu.cycles < target) {
      avrInstruction(cpu);
      cpu.tick();
    }
    if (this.fromBoard.length > 0) {
      this.transport.deliver(Uint8Array.from(this.fromBoard));
      this.fromBoard.length = 0;
    }
    while (this.waiters[0] && this.waiters[0].cycles <= cpu.cycles) this.waiters.shift()?.resolve();
    if (!this.machine) return;
    const ahead = this.options.realtime ? this.timeMs - (performance.now() - this.wallStart) : 0;
    this.schedule(Math.floor(ahead));
  };
}
