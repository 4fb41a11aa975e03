/**
 * One line the first time a kind of problem shows (a group that failed its checksum, a frame
 * dropped), then a count every `everyMs` while it keeps happening: a noisy line from the meter must
 * not fill the log with a line a second, nor hide.
 */
export class ProblemLog {
  private readonly kinds = new Map<string, { since: number; count: number }>();

  constructor(private readonly opts: { log: (line: string) => void; everyMs?: number }) {}

  note(kind: string, line: string, now: number): void {
    const k = this.kinds.get(kind);
    if (!k) {
      this.kinds.set(kind, { since: now, count: 0 });
      this.opts.log(line);
    } else k.count++;
  }

  tick(now: number): void {
    const every = this.opts.everyMs ?? 600_000;
    for (const [kind, k] of this.kinds) {
      if (now - k.since < every) continue;
      if (k.count > 0)
        this.opts.log(
          `meter: ${k.count} more ${kind} in the last ${Math.round((now - k.since) / 60_000)} min`,
        );
      k.since = now;
      k.count = 0;
    }
  }
}
