import {
  appendFileSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Reading } from '../../protocol/index.ts';

export type NewReading = Omit<Reading, 'seq'>;

export interface DiskQueueOptions {
  /** where the segments live; without one the queue is in memory only (the demo, inside the hub) */
  dir?: string | undefined;
  /** the most readings kept; past it the oldest are dropped and counted */
  maxReadings: number;
  /** readings per segment file; small enough that a fully sent segment is deleted soon */
  segmentReadings?: number;
  /** the first sequence number of a brand-new queue (the demo continues its backfilled history) */
  firstSeq?: number | undefined;
  /**
   * How often, at most, the position of the first unsent reading is written (default 10 s): each
   * write is a new 4 KiB page on an SD card. After a crash, what was acknowledged since is sent
   * again, and the hub absorbs it as duplicates.
   */
  stateEveryMs?: number;
  now?: () => number;
}

interface Segment {
  id: number;
  lines: number;
}

interface State {
  /** first unsent reading: line `line` of segment `segment` */
  segment: number;
  line: number;
  dropped: number;
  lastSeq: number;
}

/**
 * The store-and-forward queue: every reading goes through it, so the order on the wire is the order
 * of production and nothing is lost between a publish and its acknowledgement. On disk: append-only
 * NDJSON segment files, plus state.json naming the first unsent reading, the drop count and the last
 * sequence number (written atomically by rename, at most every `stateEveryMs`). A crash can at worst
 * resend what was already acknowledged (the hub absorbs duplicates), never skip or reorder. The queue
 * also owns the node's sequence counter, so a number is never reused across restarts and never
 * skipped. Without a directory it keeps the same order and bound in memory only.
 */
export class DiskQueue {
  private items: Array<Reading | undefined> = [];
  private head = 0;
  private segments: Segment[] = [];
  private state: State = { segment: 1, line: 0, dropped: 0, lastSeq: -1 };
  private readonly perSegment: number;
  private readonly now: () => number;
  private stateSavedAt = 0;
  private stateDirty = false;

  constructor(private readonly opts: DiskQueueOptions) {
    this.now = opts.now ?? Date.now;
    this.perSegment =
      opts.segmentReadings ?? Math.max(100, Math.min(10_000, Math.floor(opts.maxReadings / 4)));
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get dropped(): number {
    return this.state.dropped;
  }

  start(): void {
    if (!this.opts.dir) {
      this.state.lastSeq = (this.opts.firstSeq ?? 0) - 1;
      this.segments.push({ id: this.state.segment, lines: 0 });
      return;
    }
    mkdirSync(this.opts.dir, { recursive: true });
    try {
      this.state = { ...this.state, ...JSON.parse(readFileSync(this.statePath, 'utf8')) };
    } catch {
      // no state yet: a fresh queue
      this.state.lastSeq = (this.opts.firstSeq ?? 0) - 1;
    }
    const ids = readdirSync(this.opts.dir)
      .map((f) => /^seg-(\d+)\.ndjson$/.exec(f)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const id of ids) {
      if (id < this.state.segment) {
        rmSync(this.segPath(id), { force: true }); // sent before a crash cut the cleanup short
        continue;
      }
      const lines = this.loadSegment(id);
      this.segments.push({ id, lines: lines.length });
      const from = id === this.state.segment ? this.state.line : 0;
      for (const [i, line] of lines.entries()) {
        const r = parseLine(line);
        if (r) this.state.lastSeq = Math.max(this.state.lastSeq, r.seq);
        if (i >= from) this.items.push(r);
      }
    }
    if (this.segments.length === 0) this.segments.push({ id: this.state.segment, lines: 0 });
    this.state.line = Math.min(this.state.line, this.segments[0]?.lines ?? 0);
  }

  /** Numbers the readings, appends them to disk, and drops the oldest past the bound. */
  push(fresh: readonly NewReading[]): Reading[] {
    if (fresh.length === 0) return [];
    const stamped = fresh.map((r) => ({ ...r, seq: ++this.state.lastSeq }));
    let tail = this.segments[this.segments.length - 1] ?? { id: this.state.segment, lines: 0 };
    if (tail.lines >= this.perSegment) {
      tail = { id: tail.id + 1, lines: 0 };
      this.segments.push(tail);
    }
    if (this.opts.dir)
      appendFileSync(this.segPath(tail.id), `${stamped.map((r) => JSON.stringify(r)).join('\n')}\n`);
    tail.lines += stamped.length;
    this.items.push(...stamped);
    const excess = this.size - this.opts.maxReadings;
    if (excess > 0) {
      this.advance(excess);
      this.state.dropped += excess;
      this.saveState(true);
    }
    return stamped;
  }

  /** Up to `max` of the oldest unsent readings, and how many queue entries they span. */
  peek(max: number): { readings: Reading[]; span: number } {
    const readings: Reading[] = [];
    let i = this.head;
    while (i < this.items.length && readings.length < max) {
      const r = this.items[i++];
      if (r) readings.push(r);
    }
    return { readings, span: i - this.head };
  }

  /** The hub has acknowledged `span` entries from the head. */
  ack(span: number): void {
    if (span <= 0) return;
    this.advance(Math.min(span, this.size));
    this.saveState(false);
  }

  /** Writes the position down if it moved since (at stop). */
  close(): void {
    if (this.stateDirty) this.saveState(true);
  }

  private advance(n: number): void {
    this.head += n;
    let left = n;
    while (left > 0) {
      const seg = this.segments[0];
      if (!seg) break;
      const take = Math.min(left, seg.lines - this.state.line);
      this.state.line += take;
      left -= take;
      if (this.state.line >= seg.lines && this.segments.length > 1) {
        this.segments.shift();
        if (this.opts.dir) rmSync(this.segPath(seg.id), { force: true });
        this.state.segment = this.segments[0]?.id ?? seg.id + 1;
        this.state.line = 0;
      } else if (take === 0) break;
    }
    // keep the in-memory mirror from growing with what was sent
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private saveState(now: boolean): void {
    if (!this.opts.dir) return;
    this.stateDirty = true;
    if (!now && this.now() - this.stateSavedAt < (this.opts.stateEveryMs ?? 10_000)) return;
    this.stateDirty = false;
    this.stateSavedAt = this.now();
    const tmp = `${this.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.statePath);
  }

  /** Reads a segment's lines, cutting a last line that a crash left half-written. */
  private loadSegment(id: number): string[] {
    const path = this.segPath(id);
    const text = readFileSync(path, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) {
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
      closeSync(fd);
    }
    return text.slice(0, end).split('\n').slice(0, -1);
  }

  private get statePath(): string {
    return join(this.opts.dir ?? '', 'state.json');
  }

  private segPath(id: number): string {
    return join(this.opts.dir ?? '', `seg-${String(id).padStart(10, '0')}.ndjson`);
  }
}

function parseLine(line: string): Reading | undefined {
  try {
    const r = Reading.safeParse(JSON.parse(line));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
