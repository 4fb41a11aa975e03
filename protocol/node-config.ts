import { z } from 'zod';
import { NodeId, SensorId } from './ids.ts';

/**
 * The sensors of a kit, as the node agent reads them (`communs node --config FILE`) and as
 * `hardware/<kit>/kit.json` lists them. Pins are Arduino names: `D2`, `A0`; I2C sensors name an
 * address on the bus (SDA/SCL are A4/A5 on an Uno or Nano).
 */
const DigitalPin = z.string().regex(/^D([0-9]|1[0-3])$/, 'a digital pin such as "D2"');
const AnalogPin = z.string().regex(/^A[0-7]$/, 'an analog pin such as "A0"');
const I2cAddress = z.number().int().min(0x03).max(0x77);

export const MeterPulsesSensor = z.object({
  type: z.literal('meter-pulses'),
  id: SensorId,
  /** an interrupt pin: D2 (INT0) or D3 (INT1) */
  pin: z.enum(['D2', 'D3']),
  impPerKwh: z.number().positive().default(1000),
  debounceMs: z.number().nonnegative().max(1000).default(5),
});

export const CurrentClampSensor = z.object({
  type: z.literal('current-clamp'),
  id: SensorId,
  pin: AnalogPin,
  /** amperes per volt at the pin after burden and bias (SCT-013-030: 30 A/V) */
  ampsPerVolt: z.number().positive().default(30),
  /** the mains voltage assumed when no voltage pin is wired */
  mainsVolts: z.number().positive().default(230),
  mainsHz: z.union([z.literal(50), z.literal(60)]).default(50),
  voltagePin: AnalogPin.optional(),
  voltsPerVolt: z.number().positive().optional(),
  /**
   * the clamp is on a local installation's output (a solar inverter's line): its power is
   * `power_produced`, never counted as consumption, and it declares no energy counter (production
   * energy comes from the hourly mean power: docs/COLLECTIVE.md)
   */
  production: z.boolean().default(false),
});

export const AnalogTemperatureSensor = z.object({
  type: z.enum(['tmp36', 'lm35']),
  id: SensorId,
  pin: AnalogPin,
});

export const I2cClimateSensor = z.object({
  type: z.enum(['bme280', 'sht31']),
  id: SensorId,
  address: I2cAddress.optional(),
});

export const Co2Sensor = z.object({
  type: z.literal('scd4x'),
  id: SensorId,
  address: I2cAddress.default(0x62),
});

/**
 * A particulate-matter sensor on a 9600-baud serial line, read through the board's software serial:
 * `rxPin` receives the sensor's TX; `txPin`, when wired, lets the agent send sleep and working-period
 * commands. The laser lasts about 8000 h (Nova Fitness SDS011 specification V1.3), so measuring for
 * 30 s every `periodMinutes` (0: continuously) makes it last years instead of months.
 */
export const ParticulateSensor = z.object({
  type: z.enum(['sds011', 'pms5003']),
  id: SensorId,
  rxPin: DigitalPin,
  txPin: DigitalPin.optional(),
  periodMinutes: z.number().int().min(0).max(30).default(0),
});

export const LightSensor = z.object({ type: z.literal('ldr'), id: SensorId, pin: AnalogPin });
export const SoundSensor = z.object({ type: z.literal('microphone'), id: SensorId, pin: AnalogPin });

export const SensorConfig = z.discriminatedUnion('type', [
  MeterPulsesSensor,
  CurrentClampSensor,
  AnalogTemperatureSensor,
  I2cClimateSensor,
  Co2Sensor,
  ParticulateSensor,
  LightSensor,
  SoundSensor,
]);
export type SensorConfig = z.infer<typeof SensorConfig>;
export type SensorType = SensorConfig['type'];

export { AnalogPin, DigitalPin, NodeId };
