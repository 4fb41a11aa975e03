import { QUANTITIES, type Quantity } from '../../../protocol/index.ts';

/**
 * Communs quantities as Home Assistant sensor classes (https://www.home-assistant.io/integrations/sensor/#device-class),
 * used both ways: for the discovery configs the hub publishes, and to read a device's own discovery
 * message (ESPHome). `unit` is what the hub publishes; energy goes out in kWh as HA's Energy dashboard expects.
 */
export interface HaClass {
  deviceClass?: string;
  stateClass: 'measurement' | 'total_increasing';
  unit?: string;
  /** canonical value → published value */
  scale: number;
  precision: number;
}

export const HA_CLASSES: Record<Quantity, HaClass> = {
  power: { deviceClass: 'power', stateClass: 'measurement', unit: 'W', scale: 1, precision: 0 },
  energy: { deviceClass: 'energy', stateClass: 'total_increasing', unit: 'kWh', scale: 0.001, precision: 3 },
  apparent_power: {
    deviceClass: 'apparent_power',
    stateClass: 'measurement',
    unit: 'VA',
    scale: 1,
    precision: 0,
  },
  // HA's Energy dashboard takes "return to grid" from an energy sensor: the same class as `energy`
  energy_exported: {
    deviceClass: 'energy',
    stateClass: 'total_increasing',
    unit: 'kWh',
    scale: 0.001,
    precision: 3,
  },
  gas: { deviceClass: 'gas', stateClass: 'total_increasing', unit: 'm³', scale: 1, precision: 3 },
  pulses: { stateClass: 'total_increasing', scale: 1, precision: 0 },
  current: { deviceClass: 'current', stateClass: 'measurement', unit: 'A', scale: 1, precision: 2 },
  voltage: { deviceClass: 'voltage', stateClass: 'measurement', unit: 'V', scale: 1, precision: 1 },
  power_factor: {
    deviceClass: 'power_factor',
    stateClass: 'measurement',
    unit: '%',
    scale: 100,
    precision: 0,
  },
  temperature: { deviceClass: 'temperature', stateClass: 'measurement', unit: '°C', scale: 1, precision: 1 },
  humidity: { deviceClass: 'humidity', stateClass: 'measurement', unit: '%', scale: 1, precision: 0 },
  pressure: {
    deviceClass: 'atmospheric_pressure',
    stateClass: 'measurement',
    unit: 'hPa',
    scale: 1,
    precision: 0,
  },
  co2: { deviceClass: 'carbon_dioxide', stateClass: 'measurement', unit: 'ppm', scale: 1, precision: 0 },
  pm25: { deviceClass: 'pm25', stateClass: 'measurement', unit: 'µg/m³', scale: 1, precision: 1 },
  pm10: { deviceClass: 'pm10', stateClass: 'measurement', unit: 'µg/m³', scale: 1, precision: 1 },
  light: { stateClass: 'measurement', unit: '%', scale: 1, precision: 0 },
  sound: { deviceClass: 'sound_pressure', stateClass: 'measurement', unit: 'dB', scale: 1, precision: 0 },
  rssi: { deviceClass: 'signal_strength', stateClass: 'measurement', unit: 'dBm', scale: 1, precision: 0 },
  battery: { deviceClass: 'battery', stateClass: 'measurement', unit: '%', scale: 1, precision: 0 },
};

/**
 * A device class names the first quantity that uses it (`energy` is energy used, not exported): the
 * entries go in reversed, since a Map keeps the last value given for a key.
 */
const BY_CLASS = new Map<string, Quantity>([
  ...Object.entries(HA_CLASSES)
    .reverse()
    .flatMap(([q, c]) => (c.deviceClass ? [[c.deviceClass, q as Quantity] as const] : [])),
  ['pressure', 'pressure'],
]);

/** Quantities a unit alone never names: kWh does not say which way the energy went. */
const NOT_BY_UNIT: ReadonlySet<Quantity> = new Set(['energy_exported']);

/** The quantity a device's discovery (device class and unit) describes, when the unit fits it. */
export function quantityFromHa(
  deviceClass: string | undefined,
  unit: string | undefined,
): Quantity | undefined {
  const fits = (q: Quantity) => unit !== undefined && unit in QUANTITIES[q].units;
  const byClass = deviceClass ? BY_CLASS.get(deviceClass) : undefined;
  if (byClass)
    return fits(byClass) || (byClass === 'power_factor' && unit === undefined) ? byClass : undefined;
  // no class: only a unit that belongs to exactly one quantity says what is measured
  const candidates = (Object.keys(QUANTITIES) as Quantity[]).filter((q) => fits(q) && !NOT_BY_UNIT.has(q));
  return candidates.length === 1 ? candidates[0] : undefined;
}
