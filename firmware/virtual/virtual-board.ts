import { EventEmitter } from 'node:events';
import type { SensorConfig, VirtualModel } from '../../protocol/index.ts';
import { SYSEX_CLAMP_RMS, SYSEX_PULSE_COUNTER } from '../agent/extensions.ts';
import { BoardEnvironment } from './environment.ts';
import {
  analogMappingResponse,
  capabilityResponse,
  FIRMATA,
  fromPairs,
  toPairs,
} from './firmata-constants.ts';
import { VirtualParticulateSensor } from './particulate-sensor.ts';
import { type MeterState, VirtualClamp, VirtualPulseCounter } from './virtual-extensions.ts';

export interface VirtualBoardOptions {
  model: VirtualModel;
  /** what is wired to the board: which chips sit on its bus, what each analog pin senses */
  sensors: readonly SensorConfig[];
  /** wall clock, injectable for tests */
  clock?: () => number;
  /** simulated time at start; defaults to the clock */
  startAt?: number;
  /** how often the extensions run (pulse reports, clamp windows), real ms */
  tickMs?: number;
  /** the pulse count of a board that kept it since an earlier object (VirtualBoard.meterState) */
  meter?: MeterState;
}

const FIRMWARE_NAME = 'communs-virtual';

/**
 * An ATmega328P running our firmware, simulated at the Firmata protocol level: it parses the bytes
 * the host writes and answers as firmware/mcu does (version and firmware report at open, capability
 * and analog-mapping responses, analog reporting, I2C, software serial, and the pulse-counter and
 * clamp-RMS sysex extensions), with the sensors' values coming from the physical models. It is also
 * its own transport (the `open`/`data`/`close` events and `write` firmata-io expects), so a virtual
 * board costs one object and a timer or two, not a process.
 */
export class VirtualBoard extends EventEmitter {
  readonly env: BoardEnvironment;
  private readonly clock: () => number;
  private readonly realStart: number;
  private readonly simStart: number;
  private readonly pulses: VirtualPulseCounter;
  private readonly clamp: VirtualClamp;
  private rx: number[] = [];
  private out: number[] = [];
  private flushing = false;
  private open = false;
  private samplingMs = 19;
  private readonly analogOn = new Set<number>();
  private analogTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private readonly particulate: VirtualParticulateSensor | undefined;
  private serialOn = false;
  private lastSerialAt = 0;

  constructor(private readonly opts: VirtualBoardOptions) {
    super();
    this.clock = opts.clock ?? Date.now;
    this.realStart = this.clock();
    this.simStart = opts.startAt ?? this.realStart;
    this.env = new BoardEnvironment(opts.model, opts.sensors, () => this.simNow());
    const meter = opts.sensors.find((s) => s.type === 'meter-pulses');
    this.pulses = new VirtualPulseCounter({
      load: this.env.load,
      impPerKwh: meter?.type === 'meter-pulses' ? meter.impPerKwh : 1000,
      wiredChannel: meter?.type === 'meter-pulses' ? (meter.pin === 'D3' ? 1 : 0) : -1,
      simNow: () => this.simNow(),
      boardMs: () => this.boardMs(),
      meter: opts.meter,
    });
    const clamp = opts.sensors.find((s) => s.type === 'current-clamp');
    this.clamp = new VirtualClamp({
      load: clamp?.type === 'current-clamp' && clamp.production ? this.env.solar : this.env.load,
      ampsPerVolt: clamp?.type === 'current-clamp' ? clamp.ampsPerVolt : 30,
      simNow: () => this.simNow(),
    });
    const pm = opts.sensors.find((s) => s.type === 'sds011' || s.type === 'pms5003');
    if (pm?.type === 'sds011' || pm?.type === 'pms5003') {
      this.particulate = new VirtualParticulateSensor({
        model: pm.type,
        air: () => this.env.particulates(),
        clock: this.clock,
      });
    }
  }

  /** What the pulse counter holds now, for a board that is to keep its count; undefined without a meter. */
  meterState(): MeterState | undefined {
    return this.pulses.state();
  }

  /** Simulated time: the model runs `speed` times faster than the clock. */
  simNow(): number {
    return this.simStart + (this.clock() - this.realStart) * this.opts.model.speed;
  }

  private boardMs(): number {
    return Math.floor(this.simNow() - this.simStart) >>> 0;
  }

  /** Powers the board up: the transport opens and the firmware announces itself, as after a reset. */
  connect(): void {
    this.open = true;
    this.emit('open');
    this.announce();
    const tick = this.opts.tickMs ?? 1000;
    this.tickTimer = setInterval(() => this.tick(), tick);
    this.tickTimer.unref?.();
  }

  /** The USB cable is pulled: the transport closes and nothing more is said. */
  unplug(): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.tickTimer);
    clearInterval(this.analogTimer);
    this.emit('close', { disconnect: true, disconnected: true });
  }

  close(callback?: () => void): void {
    this.unplug();
    callback?.();
  }

  write(data: Buffer | number[], callback?: (err?: Error | null) => void): boolean {
    if (this.open) for (const b of data) this.receive(b);
    callback?.(null);
    return true;
  }

  private announce(): void {
    this.send([FIRMATA.REPORT_VERSION, 2, 5]);
    this.send([
      FIRMATA.START_SYSEX,
      FIRMATA.REPORT_FIRMWARE,
      2,
      5,
      ...toPairs([...Buffer.from(FIRMWARE_NAME)]),
    ]);
    this.send([FIRMATA.END_SYSEX]);
  }

  /** Queues bytes for the host; they leave together on the next turn, like a UART's buffer drains. */
  private send(bytes: readonly number[]): void {
    this.out.push(...bytes);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const chunk = this.out;
      this.out = [];
      if (this.open && chunk.length > 0) this.emit('data', Buffer.from(chunk));
    });
  }

  private sysex(command: number, data: readonly number[]): void {
    this.send([FIRMATA.START_SYSEX, command, ...data, FIRMATA.END_SYSEX]);
  }

  /** Byte-level parser of what the host sends: MIDI-style commands and sysex. */
  private receive(b: number): void {
    const rx = this.rx;
    if (b === FIRMATA.START_SYSEX) {
      this.rx = [b];
      return;
    }
    if (rx[0] === FIRMATA.START_SYSEX) {
      if (b === FIRMATA.END_SYSEX) {
        this.rx = [];
        this.onSysex(rx[1] ?? -1, rx.slice(2));
        return;
      }
      if (b < 0x80) {
        if (rx.length < 512) rx.push(b);
        return;
      }
      // a command byte inside a sysex: the host gave up on it, and so do we; the byte starts anew
      this.rx = [];
    }
    if (b >= 0x80) this.rx = [b];
    else if (rx.length > 0) rx.push(b);
    const cmd = this.rx[0];
    if (cmd === undefined) return;
    if (cmd === FIRMATA.REPORT_VERSION) {
      this.rx = [];
      this.send([FIRMATA.REPORT_VERSION, 2, 5]);
    } else if (cmd === FIRMATA.SYSTEM_RESET) {
      this.rx = [];
      this.reset();
    } else if ((cmd & 0xf0) === FIRMATA.REPORT_ANALOG && this.rx.length === 2) {
      this.rx = [];
      this.reportAnalog(cmd & 0x0f, b === 1);
    } else if (this.rx.length === 3 || ((cmd & 0xf0) === FIRMATA.REPORT_DIGITAL && this.rx.length === 2)) {
      // digital writes, pin modes, digital reporting: nothing on this board depends on them
      this.rx = [];
    }
  }

  private onSysex(command: number, data: readonly number[]): void {
    switch (command) {
      case FIRMATA.REPORT_FIRMWARE:
        this.announce();
        break;
      case FIRMATA.CAPABILITY_QUERY:
        this.send(capabilityResponse());
        break;
      case FIRMATA.ANALOG_MAPPING_QUERY:
        this.send(analogMappingResponse());
        break;
      case FIRMATA.SAMPLING_INTERVAL:
        this.samplingMs = Math.max(10, (data[0] ?? 0) | ((data[1] ?? 0) << 7) || 19);
        if (this.analogTimer) this.restartAnalog();
        break;
      case FIRMATA.I2C_REQUEST:
        this.i2c(data);
        break;
      case FIRMATA.SERIAL_MESSAGE:
        this.serial(data);
        break;
      case SYSEX_PULSE_COUNTER:
        for (const reply of this.pulses.command(data)) this.sysex(SYSEX_PULSE_COUNTER, reply);
        break;
      case SYSEX_CLAMP_RMS:
        for (const reply of this.clamp.command(data)) this.sysex(SYSEX_CLAMP_RMS, reply);
        break;
      default:
        break; // I2C_CONFIG and anything unknown: accepted silently, as the firmware does
    }
  }

  private reset(): void {
    this.analogOn.clear();
    clearInterval(this.analogTimer);
    this.analogTimer = undefined;
    this.serialOn = false;
    this.pulses.reset();
    this.clamp.reset();
  }

  private reportAnalog(channel: number, on: boolean): void {
    if (on) this.analogOn.add(channel);
    else this.analogOn.delete(channel);
    if (this.analogOn.size > 0 && !this.analogTimer) this.restartAnalog();
    if (this.analogOn.size === 0) {
      clearInterval(this.analogTimer);
      this.analogTimer = undefined;
    }
  }

  private restartAnalog(): void {
    clearInterval(this.analogTimer);
    this.analogTimer = setInterval(() => {
      for (const ch of this.analogOn) {
        const v = this.analogValue(ch);
        this.send([FIRMATA.ANALOG_MESSAGE | ch, v & 0x7f, (v >> 7) & 0x7f]);
      }
    }, this.samplingMs);
    this.analogTimer.unref?.();
  }

  private analogValue(channel: number): number {
    const wired = this.opts.sensors.find((s) => 'pin' in s && s.pin === `A${channel}`);
    return wired ? this.env.analog(wired.type) : 0;
  }

  /** I2C_REQUEST: address, mode, [register], data or byte count, as 7-bit pairs (firmata i2c.md). */
  private i2c(data: readonly number[]): void {
    const address = data[0] ?? 0;
    const mode = ((data[1] ?? 0) >> 3) & 0x03;
    const chip = this.env.chips.find((c) => c.address === address);
    const args = fromPairs(data, 2);
    if (mode === 0) {
      chip?.write(args);
      return;
    }
    if (mode !== 1) return; // continuous reads are not used by our drivers
    const register = args.length >= 2 ? (args[0] ?? 0) : null;
    const length = args[args.length - 1] ?? 0;
    if (!chip) return; // no ACK on the bus: the real firmware sends nothing either
    if (register !== null) chip.write([register]);
    const bytes = chip.read(length);
    const reg = register ?? 0;
    this.sysex(FIRMATA.I2C_REPLY, [address & 0x7f, address >> 7, reg & 0x7f, reg >> 7, ...toPairs(bytes)]);
  }

  /**
   * Software serial (firmata serial-1.0.md): config, write, continuous read, close. The particulate
   * sensor on it hears what the host writes and sends a frame each second while awake.
   */
  private serial(data: readonly number[]): void {
    const sub = (data[0] ?? 0) & 0xf0;
    if (sub === 0x20) this.particulate?.receive(fromPairs(data, 1));
    if (sub === 0x30) this.serialOn = true;
    if (sub === 0x50) this.serialOn = false;
  }

  private tick(): void {
    for (const reply of this.pulses.poll()) this.sysex(SYSEX_PULSE_COUNTER, reply);
    for (const reply of this.clamp.poll()) this.sysex(SYSEX_CLAMP_RMS, reply);
    if (this.serialOn && this.particulate && this.clock() - this.lastSerialAt >= 1000) {
      this.lastSerialAt = this.clock();
      const frame = this.particulate.frame();
      const portId = 0x08; // SW_SERIAL0
      if (frame) this.sysex(FIRMATA.SERIAL_MESSAGE, [0x40 | portId, ...toPairs(frame)]);
    }
  }
}
