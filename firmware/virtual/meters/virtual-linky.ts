import type { LinkyModel } from './linky-model.ts';
import type { MeterWire } from './meter-wire.ts';
import { ticFrame } from './tic-compose.ts';

/**
 * A virtual Linky sending its frames down a wire, one every `everyMs` (about 2 s in historic mode at
 * 1200 baud, a little less in standard mode), its registers moved up to each frame's time.
 */
export class VirtualLinky {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: {
      model: LinkyModel;
      mode: 'historique' | 'standard';
      wire: MeterWire;
      everyMs?: number;
      clock?: () => number;
    },
  ) {}

  start(): void {
    const clock = this.opts.clock ?? Date.now;
    this.timer = setInterval(
      () => {
        const now = clock();
        this.opts.model.advanceTo(now, 15_000);
        this.opts.wire.write(ticFrame(this.opts.mode, this.opts.model.fields(now)));
      },
      this.opts.everyMs ?? (this.opts.mode === 'historique' ? 2000 : 1500),
    );
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
