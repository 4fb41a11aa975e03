import type { SensorDescription } from '../../../protocol/index.ts';
import { type BoardPort, pinNumber } from '../board-port.ts';
import {
  type ClampReport,
  decodeClampReport,
  encodeClampCalibration,
  encodeClampConfig,
  SYSEX_CLAMP_RMS,
} from '../extensions.ts';
import { ADC_VREF } from './analog-average.ts';
import type { Driver, DriverReading } from './driver.ts';
import { round } from './round.ts';

export interface CurrentClampOptions {
  id: string;
  pin: string;
  ampsPerVolt: number;
  mainsVolts: number;
  mainsHz: 50 | 60;
  voltagePin?: string;
  voltsPerVolt?: number;
  label?: string;
  /** on a local installation's output: power is `power_produced`, and no energy counter is declared */
  production?: boolean;
}

/** 100 mains cycles per window: 2 s at 50 Hz, long enough to average, short enough to follow a kettle. */
const CYCLES_PER_WINDOW = 100;

/**
 * A current transformer (SCT-013 class) on an analog pin; the firmware samples it at 40 points per
 * mains cycle and reports Irms per window (clamp RMS sysex). Power is real power when a voltage
 * reference is wired (`voltagePin`: an AC-AC adapter through a divider), which also gives the mains
 * voltage and the power factor P / (Vrms × Irms); otherwise Irms × the nominal mains voltage
 * (apparent power, which overstates loads with a poor power factor). Energy integrates power over
 * the windows the board reports.
 */
export class CurrentClampDriver implements Driver {
  readonly sensors: readonly SensorDescription[];
  readonly communsExtension: { id: string; what: string };
  private unsubscribe: (() => void) | undefined;
  private totalWh = 0;
  private sumA = 0;
  private sumW = 0;
  private sumV = 0;
  private sumVA = 0;
  private windows = 0;
  private lastReportAt: number | undefined;

  constructor(
    private readonly opts: CurrentClampOptions,
    private readonly clock: () => number = Date.now,
  ) {
    const label = opts.label;
    this.communsExtension = { id: opts.id, what: 'current clamp' };
    const power = opts.production ? 'power_produced' : 'power';
    this.sensors = [
      { id: `${opts.id}-current`, quantity: 'current', unit: 'A', label },
      { id: `${opts.id}-power`, quantity: power, unit: 'W', label },
      ...(opts.production
        ? []
        : ([{ id: `${opts.id}-energy`, quantity: 'energy', unit: 'Wh', label }] as const)),
      ...(opts.voltagePin
        ? ([
            { id: `${opts.id}-voltage`, quantity: 'voltage', unit: 'V', label },
            { id: `${opts.id}-power-factor`, quantity: 'power_factor', unit: '1', label },
          ] as const)
        : []),
    ];
  }

  attach(board: BoardPort): void {
    this.unsubscribe?.();
    this.unsubscribe = board.onSysex(SYSEX_CLAMP_RMS, (data) => {
      const report = decodeClampReport(data);
      if (report) this.onReport(report);
    });
    const voltage = this.opts.voltagePin;
    board.sysexCommand(
      encodeClampCalibration({
        currentPerVolt: this.opts.ampsPerVolt,
        voltagePerVolt: this.opts.voltsPerVolt ?? 1,
        referenceVolts: ADC_VREF,
      }),
    );
    board.sysexCommand(
      encodeClampConfig({
        currentChannel: pinNumber(this.opts.pin),
        voltageChannel: voltage ? pinNumber(voltage) : undefined,
        mainsHz: this.opts.mainsHz,
        cycles: CYCLES_PER_WINDOW,
        enabled: true,
      }),
    );
    this.lastReportAt = undefined;
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onReport(r: ClampReport): void {
    const now = this.clock();
    const watts = r.hasVoltage ? r.realPowerW : r.irms * this.opts.mainsVolts;
    if (this.lastReportAt !== undefined) {
      // a gap longer than a few windows means reports were lost: count only one window's worth
      const windowMs = (CYCLES_PER_WINDOW / this.opts.mainsHz) * 1000;
      const dt = Math.min(now - this.lastReportAt, windowMs * 3);
      this.totalWh += (Math.max(0, watts) * dt) / 3_600_000;
    }
    this.lastReportAt = now;
    this.sumA += r.irms;
    this.sumW += watts;
    this.sumV += r.vrms;
    this.sumVA += r.vrms * r.irms;
    this.windows += 1;
  }

  async read(): Promise<DriverReading[]> {
    if (this.windows === 0) return [];
    const amps = this.sumA / this.windows;
    const watts = this.sumW / this.windows;
    const volts = this.sumV / this.windows;
    // the mean of P over the mean of V×I: windows weigh by what flowed in them
    const factor = this.sumVA > 0 ? Math.max(-1, Math.min(1, this.sumW / this.sumVA)) : undefined;
    this.sumA = 0;
    this.sumW = 0;
    this.sumV = 0;
    this.sumVA = 0;
    this.windows = 0;
    const id = this.opts.id;
    const out: DriverReading[] = [
      { sensor: `${id}-current`, quantity: 'current', unit: 'A', value: round(amps, 3) },
      {
        sensor: `${id}-power`,
        quantity: this.opts.production ? 'power_produced' : 'power',
        unit: 'W',
        value: round(watts, 1),
      },
    ];
    if (!this.opts.production)
      out.push({ sensor: `${id}-energy`, quantity: 'energy', unit: 'Wh', value: round(this.totalWh, 3) });
    if (this.opts.voltagePin) {
      out.push({ sensor: `${id}-voltage`, quantity: 'voltage', unit: 'V', value: round(volts, 1) });
      // no current, no phase: a power factor is defined only while something flows
      if (factor !== undefined)
        out.push({
          sensor: `${id}-power-factor`,
          quantity: 'power_factor',
          unit: '1',
          value: round(factor, 3),
        });
    }
    return out;
  }
}
