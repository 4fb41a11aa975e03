/**
 * The two sysex extensions our firmware adds to Firmata (firmware/mcu/src/pulse.c and clamp.c,
 * documented in docs/FIRMWARE.md), encoded and decoded in one place so the drivers and the virtual
 * board speak exactly what the C firmware speaks. Firmata reserves sysex ids 0x01-0x0F for users.
 * Multi-byte values travel as 7-bit groups, least significant first: a u32 takes 5 bytes, a float
 * is its IEEE-754 bits as a u32.
 */
export const SYSEX_PULSE_COUNTER = 0x01;
export const SYSEX_CLAMP_RMS = 0x02;

export const PULSE = { config: 0x00, query: 0x01, reset: 0x02, report: 0x03 } as const;
export const PULSE_FLAG = { enable: 0x01, activeLow: 0x02, pullup: 0x04 } as const;
export const CLAMP = { config: 0x00, calibrate: 0x01, query: 0x02, report: 0x03 } as const;
/** "no voltage pin" in the clamp config */
export const CLAMP_NO_VOLTAGE = 0x7f;

export function encodeU32(v: number): number[] {
  const out: number[] = [];
  let x = v >>> 0;
  for (let i = 0; i < 5; i++) {
    out.push(x & 0x7f);
    x = Math.floor(x / 128);
  }
  return out;
}

export function decodeU32(b: readonly number[], at: number): number {
  let v = 0;
  for (let i = 4; i >= 0; i--) v = v * 128 + ((b[at + i] ?? 0) & 0x7f);
  return v >>> 0;
}

const f32 = new DataView(new ArrayBuffer(4));

export function encodeF32(v: number): number[] {
  f32.setFloat32(0, v);
  return encodeU32(f32.getUint32(0));
}

export function decodeF32(b: readonly number[], at: number): number {
  f32.setUint32(0, decodeU32(b, at));
  return f32.getFloat32(0);
}

/** Pulse channel 0 is INT0 on D2, channel 1 is INT1 on D3. */
export function pulseChannel(pin: string): number {
  return pin === 'D3' ? 1 : 0;
}

export interface PulseReport {
  channel: number;
  count: number;
  rejected: number;
  /** the board's millisecond clock at the last counted pulse */
  lastPulseMs: number;
  /** the board's millisecond clock when the report was sent */
  nowMs: number;
}

export function pulseConfig(channel: number, flags: number, minWidthUs: number): number[] {
  return [SYSEX_PULSE_COUNTER, PULSE.config, channel, flags, ...encodeU32(minWidthUs)];
}

export function encodePulseReport(r: PulseReport): number[] {
  return [
    SYSEX_PULSE_COUNTER,
    PULSE.report,
    r.channel,
    ...encodeU32(r.count),
    ...encodeU32(r.rejected),
    ...encodeU32(r.lastPulseMs),
    ...encodeU32(r.nowMs),
  ];
}

/** `data` is what follows the command byte; undefined when it is not a well-formed report. */
export function decodePulseReport(data: readonly number[]): PulseReport | undefined {
  if (data[0] !== PULSE.report || data.length < 22) return undefined;
  return {
    channel: data[1] ?? 0,
    count: decodeU32(data, 2),
    rejected: decodeU32(data, 7),
    lastPulseMs: decodeU32(data, 12),
    nowMs: decodeU32(data, 17),
  };
}

export interface ClampConfig {
  currentChannel: number;
  /** CLAMP_NO_VOLTAGE when no voltage reference is wired */
  voltageChannel: number;
  hz: 50 | 60;
  /** mains cycles per window, 1-100 */
  cycles: number;
  enable: boolean;
}

export function clampConfig(c: ClampConfig): number[] {
  return [
    SYSEX_CLAMP_RMS,
    CLAMP.config,
    c.currentChannel,
    c.voltageChannel,
    c.hz,
    c.cycles,
    c.enable ? 1 : 0,
  ];
}

/** Amperes per volt at the pin, volts per volt at the voltage pin, and the ADC reference voltage. */
export function clampCalibrate(currentCal: number, voltageCal: number, vref: number): number[] {
  return [
    SYSEX_CLAMP_RMS,
    CLAMP.calibrate,
    ...encodeF32(currentCal),
    ...encodeF32(voltageCal),
    ...encodeF32(vref),
  ];
}

export interface ClampReport {
  hasVoltage: boolean;
  /** samples in the window */
  samples: number;
  irms: number;
  vrms: number;
  /** real power, W; 0 without a voltage pin */
  power: number;
}

export function encodeClampReport(r: ClampReport): number[] {
  return [
    SYSEX_CLAMP_RMS,
    CLAMP.report,
    r.hasVoltage ? 1 : 0,
    ...encodeU32(r.samples),
    ...encodeF32(r.irms),
    ...encodeF32(r.vrms),
    ...encodeF32(r.power),
  ];
}

export function decodeClampReport(data: readonly number[]): ClampReport | undefined {
  if (data[0] !== CLAMP.report || data.length < 22) return undefined;
  return {
    hasVoltage: data[1] === 1,
    samples: decodeU32(data, 2),
    irms: decodeF32(data, 7),
    vrms: decodeF32(data, 12),
    power: decodeF32(data, 17),
  };
}
