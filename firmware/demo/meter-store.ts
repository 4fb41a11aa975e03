import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { MeterState } from '../virtual/virtual-extensions.ts';

const Count = z.number().int().nonnegative();
/** The file's schema: VirtualBoard.meterState() as JSON. */
const MeterStateFile = z.object({
  count: Count,
  blinks: Count,
  energyWh: z.number().nonnegative(),
  at: z.number().int(),
}) satisfies z.ZodType<MeterState>;

/** A virtual Linky's registers (LinkyState) as JSON. */
export const LinkyStateFile = z.object({
  registers: z.array(z.number().nonnegative()).min(1).max(10),
  at: z.number().int(),
});

/**
 * Where the demo keeps a virtual meter's count between runs (a small JSON file beside the agent's
 * queue): restarting the demo's agents is not a meter event, so their boards keep their counts, as
 * a board that stays powered does, and a virtual Linky its registers. A missing file is a board that
 * lost its count; an unreadable one is treated the same, and said once.
 */
export class MeterStore<T = MeterState> {
  private readonly schema: z.ZodType<T>;

  constructor(private readonly opts: { file: string; log: (line: string) => void; schema?: z.ZodType<T> }) {
    this.schema = opts.schema ?? (MeterStateFile as unknown as z.ZodType<T>);
  }

  load(): T | undefined {
    let text: string;
    try {
      text = readFileSync(this.opts.file, 'utf8');
    } catch {
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = this.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    this.opts.log(`${this.opts.file}: not a meter state, the virtual meter starts from zero`);
    return undefined;
  }

  /** Written whole then renamed, so a crash leaves the previous state, never half of one. */
  save(state: T): void {
    mkdirSync(dirname(this.opts.file), { recursive: true });
    const tmp = `${this.opts.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.opts.file);
  }
}
