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
  power_produced: { deviceClass: 'power', stateClass: 'measurement', unit: 'W', scale: 1, precision: 0 },
  apparent_power: {
    deviceClass: 'apparent_power',
    stateClass: 'measurement',
    unit: 'VA',
    scale: 1,
    precision: 0,
  },
  reactive_power: {
    deviceClass: 'reactive_power',
    stateClass: 'measurement',
    unit: 'var',
    scale: 1,
    precision: 0,
  },
  energy: { deviceClass: 'energy', stateClass: 'total_increasing', unit: 'kWh', scale: 0.001, precision: 3 },
  energy_exported: {
    deviceClass: 'energy',
    stateClass: 'total_increasing',
    unit: 'kWh',
    scale: 0.001,
    precision: 3,
  },
  pulses: { stateClass: 'total_increasing', scale: 1, precision: 0 },
  gas: { deviceClass: 'gas', stateClass: 'total_increasing', unit: 'm³', scale: 1, precision: 3 },
  current: { deviceClass: 'current', stateClass: 'measurement', unit: 'A', scale: 1, precision: 2 },
  voltage: { deviceClass: 'voltage', stateClass: 'measurement', unit: 'V', scale: 1, precision: 1 },
  power_factor: {
    deviceClass: 'power_factor',
    stateClass: 'measurement',
    unit: '%',
    scale: 100,
    precision: 0,
  },
  frequency: { deviceClass: 'frequency', stateClass: 'measurement', unit: 'Hz', scale: 1, precision: 2 },
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
  voc_index: { deviceClass: 'aqi', stateClass: 'measurement', scale: 1, precision: 0 },
  nox_index: { deviceClass: 'aqi', stateClass: 'measurement', scale: 1, precision: 0 },
  pm1: { deviceClass: 'pm1', stateClass: 'measurement', unit: 'µg/m³', scale: 1, precision: 1 },
  pm25: { deviceClass: 'pm25', stateClass: 'measurement', unit: 'µg/m³', scale: 1, precision: 1 },
  pm10: { deviceClass: 'pm10', stateClass: 'measurement', unit: 'µg/m³', scale: 1, precision: 1 },
  light: { stateClass: 'measurement', unit: '%', scale: 1, precision: 0 },
  illuminance: { deviceClass: 'illuminance', stateClass: 'measurement', unit: 'lx', scale: 1, precision: 0 },
  sound: { deviceClass: 'sound_pressure', stateClass: 'measurement', unit: 'dB', scale: 1, precision: 0 },
  rssi: { deviceClass: 'signal_strength', stateClass: 'measurement', unit: 'dBm', scale: 1, precision: 0 },
  battery: { deviceClass: 'battery', stateClass: 'measurement', unit: '%', scale: 1, precision: 0 },
  duration: { deviceClass: 'duration', stateClass: 'measurement', unit: 's', scale: 1, precision: 0 },
};

/** The first quantity of each class: `energy` before `energy_exported`, which shares its class. */
const BY_CLASS = new Map<string, Quantity>([['pressure', 'pressure']]);
for (const [q, c] of Object.entries(HA_CLASSES) as Array<[Quantity, HaClass]>) {
  if (c.deviceClass && !BY_CLASS.has(c.deviceClass)) BY_CLASS.set(c.deviceClass, q);
}

/** What a device's own discovery config says of one of its sensors (ESPHome: `dev_cla`, `unit_of_meas`, ...). */
export interface HaDescription {
  deviceClass?: string | undefined;
  unit?: string | undefined;
  /** `total_increasing` and `total` mark a running total */
  stateClass?: string | undefined;
  /** the entity's name or object id: tells a VOC index from a NOx index (both `aqi`) */
  name?: string | undefined;
}

/** The quantity a device's discovery describes, when its unit fits it. */
export function quantityFromHa(d: HaDescription): Quantity | undefined {
  const { deviceClass, unit } = d;
  const fits = (q: Quantity) => unit !== undefined && unit in QUANTITIES[q].units;
  // Sensirion's indexes share the `aqi` class and carry no unit (ESPHome sgp4x, sen5x)
  if (deviceClass === 'aqi' && unit === undefined) {
    if (/nox/i.test(d.name ?? '')) return 'nox_index';
    if (/voc/i.test(d.name ?? '')) return 'voc_index';
    return undefined;
  }
  const running = d.stateClass === 'total_increasing' || d.stateClass === 'total';
  const byClass = deviceClass ? BY_CLASS.get(deviceClass) : undefined;
  if (byClass)
    return fits(byClass) || (byClass === 'power_factor' && unit === undefined) ? byClass : undefined;
  // a running total without a class or unit (a pulse_counter's `total`) counts pulses
  if (running && (unit === undefined || fits('pulses'))) return 'pulses';
  // no class: only a unit that belongs to exactly one quantity says what is measured; a running
  // total is looked for among counters first; kWh alone is energy, never energy exported, and W
  // alone is power consumed, never a production
  const all = (Object.keys(QUANTITIES) as Quantity[]).filter(
    (q) => q !== 'energy_exported' && q !== 'power_produced',
  );
  const candidates = all.filter(fits);
  const counters = candidates.filter((q) => QUANTITIES[q].kind === 'counter');
  if (running && counters.length >= 1) return counters[0];
  return candidates.length === 1 ? candidates[0] : undefined;
}
