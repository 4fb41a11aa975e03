import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * The commit log (`<data>/ingest.log`): what makes an acknowledged reading durable between two folds
 * of recent readings into SQLite (hub/src/store/readings-store.ts, docs/DESIGN.md "Writes an SD card
 * survives").
 *
 * One record per ingest commit, appended and synced before the commit's messages are acknowledged.
 * A record starts on a 512-byte sector and fills whole sectors; sectors are never rewritten while
 * they hold a record not yet folded, so a torn write can only damage the record being written, which
 * nobody was told is stored. The file is written once full of zeros when it is created: appends then
 * overwrite allocated blocks, and `fdatasync` has no file size or block map to journal.
 *
 * Where the file system allows it the file is opened with O_DIRECT: a 512-byte record costs 512
 * bytes of writing. Through the page cache, each sync writes at least a whole 4 KiB page (and
 * /proc/<pid>/io counts it): on an SD card at one commit a second, 8 times the bytes. Without O_DIRECT
 * (tmpfs, some FUSE file systems) the log works the same through the page cache.
 *
 * Layout: the first 8 KiB are a header (magic, version; written again when the log is opened, to
 * find a buffer alignment O_DIRECT accepts). A record is a 32-byte head — magic "CLR1", the
 * payload's length, the log sequence number (LSN, +1 per record, never reused), a CRC-32 of the head
 * and the payload, a flags byte (1: the payload is compressed) — then the payload (UTF-8 JSON, or
 * raw DEFLATE of it), then zeros to the next sector. After a fold the log starts again after the
 * header: older records left further on have smaller LSNs, so reading stops at them.
 *
 * A payload that would pass a sector is compressed (DEFLATE level 1, ~20 µs for a few kilobytes)
 * when that saves a sector: a quiet hub's commits of a few readings then cost one sector, not two
 * to four (docs/DATA.md "Writes per reading"). Large records of a busy hub are left as they are: a
 * sector more or less is little beside them, and their CPU is not.
 */
export const SECTOR = 512;
/** 8 MiB: the store folds at half, ~8,000 quiet commits or ~100,000 readings at full load */
export const DEFAULT_CAPACITY = 8 * 1024 * 1024;
/** Where records start: the header, large enough to probe O_DIRECT over several memory pages. */
const HEADER = 8192;
const HEAD = 32;
const FILE_MAGIC = Buffer.from('COMMUNS-COMMIT-LOG-1\n');
const RECORD_MAGIC = 0x434c5231; // "CLR1"
/** offset of the flags byte in a record's head (inside what the CRC covers) */
const FLAGS = 20;
const DEFLATED = 1;
/** payloads up to this size are compressed when that saves a sector */
const COMPRESS_MAX = 16 * 1024;

export interface CommitLogOptions {
  file: string;
  /** bytes a new log file is made of (an existing one keeps its size); the store folds at half */
  capacity?: number;
  /** false: never try O_DIRECT (tests of the page-cache path) */
  direct?: boolean;
  /**
   * Breaks the promise on purpose: `append` calls back once the record is written, before its
   * `fdatasync` has returned, so a power cut loses what was acknowledged. Only for the power-cut
   * test's broken hub (docs/RELIABILITY.md), which must show that the test sees the loss.
   */
  unsafeAcknowledgeBeforeSync?: boolean;
}

export interface LogRecord {
  lsn: number;
  payload: Buffer;
}

export class CommitLogFullError extends Error {}

/**
 * An append-only, sector-aligned log with one append at a time (the group committer waits for each
 * one before the next). Not thread-safe across processes: the data directory's lock keeps it to one
 * hub.
 */
export class CommitLog {
  readonly file: string;
  /** the file's size: the configured one for a new log, the file's own for an existing one */
  capacity: number;
  private fd = -1;
  /** true when the file is open with O_DIRECT */
  direct = false;
  /** where the next record goes */
  private position = HEADER;
  /** the LSN the next record gets */
  private nextLsn = 1;
  /** a buffer whose offset `aligned` lies on a memory address O_DIRECT accepts */
  private scratch = Buffer.alloc(0);
  private aligned = 0;
  private appending = false;

  constructor(private readonly opts: CommitLogOptions) {
    this.file = opts.file;
    this.capacity = roundUp(opts.capacity ?? DEFAULT_CAPACITY);
  }

  /** Bytes used by the records written since the last reset. */
  get used(): number {
    return this.position - HEADER;
  }

  get lastLsn(): number {
    return this.nextLsn - 1;
  }

  /**
   * Opens (creating it when missing) and returns the records after `afterLsn`, in order: those
   * committed since the last fold, which the store applies again. Appends continue after them.
   */
  open(afterLsn: number): LogRecord[] {
    // an existing log keeps its size: its records may be all that holds acknowledged readings
    if (fs.existsSync(this.file)) this.capacity = Math.floor(fs.statSync(this.file).size / SECTOR) * SECTOR;
    else this.create();
    const records = this.scan();
    const tail = records[records.length - 1];
    this.nextLsn = Math.max(afterLsn, tail?.lsn ?? 0) + 1;
    this.position = tail ? tail.end : HEADER;
    this.openForWriting();
    return records.filter((r) => r.lsn > afterLsn).map(({ lsn, payload }) => ({ lsn, payload }));
  }

  /** Room left for a record of `bytes` of payload. */
  fits(bytes: number): boolean {
    return this.position + roundUp(HEAD + bytes) <= this.capacity;
  }

  /**
   * Appends a record and calls back once it is on disk (written and `fdatasync`ed, off the event
   * loop), with its LSN.
   */
  append(payload: Buffer, done: (err: Error | null, lsn: number) => void): void {
    if (this.appending) throw new Error('commit log: one append at a time');
    const stored = packed(payload);
    const size = roundUp(HEAD + stored.bytes.length);
    if (this.position + size > this.capacity) {
      done(new CommitLogFullError(`the commit log is full (${this.capacity} bytes)`), 0);
      return;
    }
    const lsn = this.nextLsn;
    const buf = this.frame(lsn, stored.bytes, stored.flags, size);
    const at = this.position;
    this.appending = true;
    fs.write(this.fd, buf, this.direct ? this.aligned : 0, size, at, (err) => {
      if (err) return this.finished(err, lsn, done);
      if (this.opts.unsafeAcknowledgeBeforeSync) {
        this.position = at + size;
        this.nextLsn = lsn + 1;
        this.finished(null, lsn, done);
        fs.fdatasync(this.fd, () => {});
        return;
      }
      fs.fdatasync(this.fd, (syncErr) => {
        if (!syncErr) {
          this.position = at + size;
          this.nextLsn = lsn + 1;
        }
        this.finished(syncErr, lsn, done);
      });
    });
  }

  /** After a fold has made every record durable in SQLite: the next record goes first again. */
  reset(): void {
    if (this.appending) throw new Error('commit log: reset during an append');
    this.position = HEADER;
  }

  /**
   * Overwrites every record with zeros and syncs (after an erasure: erased means erased, and the
   * log may hold the household's readings). The LSNs go on from where they were.
   */
  wipe(): void {
    if (this.appending) throw new Error('commit log: wipe during an append');
    const zeros = Buffer.alloc(1024 * 1024);
    const fd = fs.openSync(this.file, 'r+');
    try {
      for (let at = HEADER; at < this.capacity; at += zeros.length)
        fs.writeSync(fd, zeros, 0, Math.min(zeros.length, this.capacity - at), at);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.position = HEADER;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  private finished(err: Error | null, lsn: number, done: (err: Error | null, lsn: number) => void): void {
    this.appending = false;
    done(err, lsn);
  }

  /** The record as it goes to disk, in the scratch buffer (aligned when O_DIRECT). */
  private frame(lsn: number, payload: Buffer, flags: number, size: number): Buffer {
    if (this.scratch.length < this.aligned + size) this.allocScratch(size);
    const buf = this.direct ? this.scratch.subarray(this.aligned, this.aligned + size) : Buffer.alloc(size);
    buf.fill(0);
    buf.writeUInt32BE(RECORD_MAGIC, 0);
    buf.writeUInt32BE(payload.length, 4);
    buf.writeDoubleBE(lsn, 8);
    buf.writeUInt8(flags, FLAGS);
    payload.copy(buf, HEAD);
    buf.writeUInt32BE(checksum(buf, payload.length), 16);
    return this.direct ? this.scratch : buf;
  }

  private create(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const partial = `${this.file}.partial`;
    const fd = fs.openSync(partial, 'w', 0o600);
    try {
      const chunk = Buffer.alloc(1024 * 1024);
      FILE_MAGIC.copy(chunk);
      for (let at = 0; at < this.capacity; at += chunk.length) {
        fs.writeSync(fd, chunk, 0, Math.min(chunk.length, this.capacity - at), at);
        if (at === 0) chunk.fill(0);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(partial, this.file);
    syncDir(path.dirname(this.file));
  }

  /** Every valid record after the header, while LSNs increase. */
  private scan(): Array<LogRecord & { end: number }> {
    const data = fs.readFileSync(this.file);
    if (!data.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC))
      throw new Error(`${this.file} is not a Communs commit log: move it aside and start again`);
    const out: Array<LogRecord & { end: number }> = [];
    let at = HEADER;
    let last = 0;
    while (at + HEAD <= data.length) {
      if (data.readUInt32BE(at) !== RECORD_MAGIC) break;
      const length = data.readUInt32BE(at + 4);
      const lsn = data.readDoubleBE(at + 8);
      const size = roundUp(HEAD + length);
      if (at + size > data.length || !Number.isSafeInteger(lsn) || lsn <= last) break;
      const record = data.subarray(at, at + size);
      if (record.readUInt32BE(16) !== checksum(record, length)) break;
      const body = record.subarray(HEAD, HEAD + length);
      let payload: Buffer;
      try {
        payload = record.readUInt8(FLAGS) & DEFLATED ? zlib.inflateRawSync(body) : Buffer.from(body);
      } catch {
        break;
      }
      out.push({ lsn, payload, end: at + size });
      last = lsn;
      at += size;
    }
    return out;
  }

  private openForWriting(): void {
    const O_DIRECT = (fs.constants as Record<string, number>).O_DIRECT;
    if (this.opts.direct !== false && O_DIRECT) {
      try {
        this.fd = fs.openSync(this.file, fs.constants.O_RDWR | O_DIRECT);
        this.allocScratch(64 * 1024);
        if (this.findAlignment()) {
          this.direct = true;
          return;
        }
        fs.closeSync(this.fd);
      } catch {
        if (this.fd >= 0) fs.closeSync(this.fd);
      }
    }
    this.fd = fs.openSync(this.file, 'r+');
    this.direct = false;
  }

  private allocScratch(size: number): void {
    // large enough to be its own memory mapping, so its start sits on a page; an offset into it
    // then meets the alignment O_DIRECT wants (found once by `findAlignment`)
    this.scratch = Buffer.allocUnsafeSlow(Math.max(size + 8192, 256 * 1024));
    if (this.direct && !this.findAlignment()) throw new Error('commit log: no aligned buffer for O_DIRECT');
  }

  /**
   * O_DIRECT wants the memory of a write aligned (to 512 bytes at most); JavaScript cannot ask for
   * an address, so the first offset the kernel accepts for a write across several memory pages is
   * found by rewriting the header.
   */
  private findAlignment(): boolean {
    const header = Buffer.alloc(HEADER);
    FILE_MAGIC.copy(header);
    for (let offset = 0; offset <= 4096; offset += 16) {
      header.copy(this.scratch, offset);
      try {
        fs.writeSync(this.fd, this.scratch, offset, HEADER, 0);
        this.aligned = offset;
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      }
    }
    return false;
  }
}

/** The payload as it is stored: compressed when that saves a sector (see the class's comment). */
function packed(payload: Buffer): { bytes: Buffer; flags: number } {
  if (HEAD + payload.length <= SECTOR || payload.length > COMPRESS_MAX) return { bytes: payload, flags: 0 };
  const deflated = zlib.deflateRawSync(payload, { level: 1 });
  return roundUp(HEAD + deflated.length) < roundUp(HEAD + payload.length)
    ? { bytes: deflated, flags: DEFLATED }
    : { bytes: payload, flags: 0 };
}

function roundUp(n: number): number {
  return Math.ceil(n / SECTOR) * SECTOR;
}

/** CRC-32 of a record's head (its checksum field left out) and payload. */
function checksum(record: Buffer, length: number): number {
  const head = zlib.crc32(record.subarray(0, 16));
  const tail = zlib.crc32(record.subarray(20, HEAD + length), head);
  return tail >>> 0;
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // some file systems refuse to sync a directory; the file itself is synced
  }
}
