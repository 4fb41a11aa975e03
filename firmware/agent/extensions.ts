import {
  CLAMP_REPORT,
  type ClampReport,
  encodeF32,
  encodeU32,
  PULSE_REPORT,
  type PulseReport,
  SYSEX_CLAMP_RMS,
  SYSEX_PULSE_COUNTER,
} from '../mcu/sysex-codec.ts';

/**
 * The two sysex extensions of our firmware (docs/FIRMWARE.md). The wire format has one source of
 * truth, the firmware's host codec (firmware/mcu/sysex-codec.ts), re-exported here for the drivers;
 * this module adds only what the host never sends but a virtual board must: the REPORT messages.
 */
export {
  CLAMP_CALIBRATE,
  CLAMP_CONFIG,
  CLAMP_QUERY,
  CLAMP_REPORT,
  type ClampReport,
  decodeClampReport,
  decodeF32,
  decodePulseReport,
  decodeU32,
  encodeClampCalibration,
  encodeClampConfig,
  encodePulseConfig,
  PULSE_CONFIG,
  PULSE_QUERY,
  PULSE_REPORT,
  PULSE_RESET,
  type PulseChannel,
  type PulseReport,
  SYSEX_CLAMP_RMS,
  SYSEX_PULSE_COUNTER,
} from '../mcu/sysex-codec.ts';

/** "no voltage pin" in the clamp CONFIG */
export const CLAMP_NO_VOLTAGE = 0x7f;
export const PULSE_FLAG = { enable: 0x01, activeLow: 0x02, pullUp: 0x04 } as const;

/** Pulse channel 0 is INT0 on D2, channel 1 is INT1 on D3. */
export function pulseChannel(pin: string): 0 | 1 {
  return pin === 'D3' ? 1 : 0;
}

/** A pulse REPORT as the board sends it (command byte first, without F0/F7). */
export function encodePulseReport(r: PulseReport): number[] {
  return [
    SYSEX_PULSE_COUNTER,
    PULSE_REPORT,
    r.channel,
    ...encodeU32(r.count),
    ...encodeU32(r.rejected),
    ...encodeU32(r.lastPulseMs),
    ...encodeU32(r.nowMs),
  ];
}

/** A clamp REPORT as the board sends it. */
export function encodeClampReport(r: ClampReport): number[] {
  return [
    SYSEX_CLAMP_RMS,
    CLAMP_REPORT,
    r.hasVoltage ? 1 : 0,
    ...encodeU32(r.samples),
    ...encodeF32(r.irms),
    ...encodeF32(r.vrms),
    ...encodeF32(r.realPowerW),
  ];
}
