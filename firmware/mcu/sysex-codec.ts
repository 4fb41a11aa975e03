/**
 * Host-side encoders and decoders for the firmware's energy-metering sysex extensions
 * (docs/FIRMWARE.md is the contract; firmware/mcu/src/pulse.c and clamp.c the other side).
 * Messages are the bytes between START_SYSEX (F0) and END_SYSEX (F7), as firmata-io's
 * `sysexCommand()` takes them and `sysexResponse()` hands them back.
 */

export const SYSEX_PULSE_COUNTER = 0x01;
export const SYSEX_CLAMP_RMS = 0x02;

export const PULSE_CONFIG = 0x00;
export const PULSE_QUERY = 0x01;
export const PULSE_RESET = 0x02;
export const PULSE_REPORT = 0x03;

export const CLAMP_CONFIG = 0x00;
export const CLAMP_CALIBRATE = 0x01;
export const CLAMP_QUERY = 0x02;
export const CLAMP_REPORT = 0x03;

/** Channel 0 is INT0 on D2, channel 1 is INT1 on D3. */
export type PulseChannel = 0 | 1;

export interface PulseConfig {
  channel: PulseChannel;
  enabled: boolean;
  /** The input is active low (S0 open collector to ground with a pull-up). */
  activeLow: boolean;
  /** Turn on the ATmega's internal pull-up (~35 kΩ) on the pin. */
  pullUp: boolean;
  /** Pulses shorter than this are rejected as noise or bounce. */
  minWidthUs: number;
}

export interface PulseReport {
  channel: number;
  /** Running count of accepted pulses, modulo 2^32. */
  count: number;
  /** Running count of rejected (too short) pulses, modulo 2^32. */
  rejected: number;
  /** Board clock (ms since boot) when the last accepted pulse ended. */
  lastPulseMs: number;
  /** Board clock when the report was sent. */
  nowMs: number;
}

export interface ClampConfig {
  /** Analog channel (0-5 for A0-A5) of the current clamp. */
  currentChannel: number;
  /** Analog channel of the voltage reference (AC adapter divider), if any. */
  voltageChannel?: number;
  mainsHz: 50 | 60;
  /** Whole mains cycles per window: 10 at 50 Hz gives a report every 200 ms. */
  cycles: number;
  enabled: boolean;
}

export interface ClampCalibration {
  /** Amperes per volt RMS at the ADC pin (e.g. SCT-013-030: 30 A / 1 V = 30). */
  currentPerVolt: number;
  /** Mains volts per volt RMS at the ADC pin. */
  voltagePerVolt: number;
  /** The ADC reference (AVCC) in volts, measured on the board for best accuracy. */
  referenceVolts: number;
}

export interface ClampReport {
  hasVoltage: boolean;
  samples: number;
  irms: number;
  vrms: number;
  realPowerW: number;
}

/** 32 bits as five 7-bit bytes, least significant first. */
export function encodeU32(value: number): number[] {
  const v = value >>> 0;
  return [v & 0x7f, (v >>> 7) & 0x7f, (v >>> 14) & 0x7f, (v >>> 21) & 0x7f, (v >>> 28) & 0x0f];
}

export function decodeU32(bytes: ArrayLike<number>, offset: number): number {
  let v = 0;
  for (let i = 4; i >= 0; i--) v = v * 128 + ((bytes[offset + i] ?? 0) & 0x7f);
  return v >>> 0;
}

export function encodeF32(value: number): number[] {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return encodeU32(view.getUint32(0, true));
}

export function decodeF32(bytes: ArrayLike<number>, offset: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, decodeU32(bytes, offset), true);
  return view.getFloat32(0, true);
}

export function encodePulseConfig(c: PulseConfig): number[] {
  const flags = (c.enabled ? 1 : 0) | (c.activeLow ? 2 : 0) | (c.pullUp ? 4 : 0);
  return [SYSEX_PULSE_COUNTER, PULSE_CONFIG, c.channel, flags, ...encodeU32(c.minWidthUs)];
}

export function encodePulseQuery(channel: PulseChannel): number[] {
  return [SYSEX_PULSE_COUNTER, PULSE_QUERY, channel];
}

export function encodePulseReset(channel: PulseChannel): number[] {
  return [SYSEX_PULSE_COUNTER, PULSE_RESET, channel];
}

/** Decodes the payload after the sysex id (what firmata-io's sysexResponse handler receives). */
export function decodePulseReport(payload: ArrayLike<number>): PulseReport | undefined {
  if (payload.length < 22 || payload[0] !== PULSE_REPORT) return undefined;
  return {
    channel: payload[1] ?? 0,
    count: decodeU32(payload, 2),
    rejected: decodeU32(payload, 7),
    lastPulseMs: decodeU32(payload, 12),
    nowMs: decodeU32(payload, 17),
  };
}

export function encodeClampConfig(c: ClampConfig): number[] {
  return [
    SYSEX_CLAMP_RMS,
    CLAMP_CONFIG,
    c.currentChannel,
    c.voltageChannel ?? 0x7f,
    c.mainsHz,
    c.cycles,
    c.enabled ? 1 : 0,
  ];
}

export function encodeClampCalibration(c: ClampCalibration): number[] {
  return [
    SYSEX_CLAMP_RMS,
    CLAMP_CALIBRATE,
    ...encodeF32(c.currentPerVolt),
    ...encodeF32(c.voltagePerVolt),
    ...encodeF32(c.referenceVolts),
  ];
}

export function encodeClampQuery(): number[] {
  return [SYSEX_CLAMP_RMS, CLAMP_QUERY];
}

export function decodeClampReport(payload: ArrayLike<number>): ClampReport | undefined {
  if (payload.length < 22 || payload[0] !== CLAMP_REPORT) return undefined;
  return {
    hasVoltage: payload[1] === 1,
    samples: decodeU32(payload, 2),
    irms: decodeF32(payload, 7),
    vrms: decodeF32(payload, 12),
    realPowerW: decodeF32(payload, 17),
  };
}
