import type { SensorConfig } from '../../../protocol/index.ts';
import { AnalogTemperatureDriver } from './analog-temperature.ts';
import { Bme280Driver } from './bme280.ts';
import { CurrentClampDriver } from './current-clamp.ts';
import type { Driver, Sleep } from './driver.ts';
import { LdrDriver } from './ldr.ts';
import { MeterPulsesDriver } from './meter-pulses.ts';
import { MicrophoneDriver } from './microphone.ts';
import { ParticulateDriver } from './particulate.ts';
import { Scd4xDriver } from './scd4x.ts';
import { Sht31Driver } from './sht31.ts';

/** The driver for one configured sensor. */
export function createDriver(s: SensorConfig, sleep?: Sleep): Driver {
  switch (s.type) {
    case 'meter-pulses':
      return new MeterPulsesDriver(s);
    case 'current-clamp':
      return new CurrentClampDriver(s);
    case 'tmp36':
    case 'lm35':
      return new AnalogTemperatureDriver(s);
    case 'bme280':
      return new Bme280Driver({ id: s.id, address: s.address, sleep });
    case 'sht31':
      return new Sht31Driver({ id: s.id, address: s.address, sleep });
    case 'scd4x':
      return new Scd4xDriver({ id: s.id, address: s.address, sleep });
    case 'sds011':
    case 'pms5003':
      return new ParticulateDriver(s);
    case 'ldr':
      return new LdrDriver(s);
    case 'microphone':
      return new MicrophoneDriver(s);
  }
}
