import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DAEMON = path.join(path.dirname(fileURLToPath(import.meta.url)), 'power-cut-fs.py');
/** Debian's interpreter: `python3` on the PATH may be another one, without python3-fusepy */
const PYTHON = '/usr/bin/python3';

class CutFailed extends Error {}

/**
 * A disk whose power can be cut: power-cut-fs.py mounted on `<dir>/mnt`, what is durable in
 * `<dir>/backing` (docs/RELIABILITY.md, "The power-cut filesystem"). `mount`, then either `cut`
 * (unsynced writes and uncommitted name changes forgotten) or `unmount` (an orderly shutdown that
 * keeps everything); mount again to see what survived.
 */
export class PowerCutFs {
  readonly dir: string;
  readonly mountpoint: string;
  readonly backing: string;
  private readonly graveyard: string;
  private daemon: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private output = '';
  private exitCode: number | null = null;
  /** after a cut: the daemon is gone, its dead mount still there */
  private dead = false;
  private unmounting = false;
  /** told whenever the daemon prints something or exits */
  private heard: (() => void) | undefined;

  constructor(opts: { dir: string }) {
    this.dir = opts.dir;
    this.mountpoint = path.join(opts.dir, 'mnt');
    this.backing = path.join(opts.dir, 'backing');
    this.graveyard = path.join(opts.dir, 'graveyard');
    for (const d of [this.mountpoint, this.backing, this.graveyard]) fs.mkdirSync(d, { recursive: true });
  }

  /**
   * Null when a power-cut filesystem can be mounted here, otherwise one line saying why not and
   * what to install; tries a real mount in `dir`.
   */
  static async unavailable(dir: string): Promise<string | null> {
    if (!fs.existsSync('/dev/fuse')) return 'no /dev/fuse on this machine (FUSE is needed to cut the power)';
    for (const [bin, pkg] of [
      [PYTHON, 'python3'],
      ['/usr/bin/fusermount3', 'fuse3'],
    ] as const) {
      if (!fs.existsSync(bin)) return `${bin} is missing: apt-get install ${pkg} python3-fusepy`;
    }
    try {
      execFileSync(PYTHON, ['-c', 'import fusepy'], { stdio: 'pipe' });
    } catch {
      return 'the Python module fusepy is missing: apt-get install python3-fusepy';
    }
    const probe = new PowerCutFs({ dir });
    try {
      await probe.mount(10_000);
      await probe.unmount();
      return null;
    } catch (err) {
      await probe.cut().catch(() => {});
      await probe.unmount().catch(() => {});
      return `cannot mount a FUSE filesystem (${String((err as Error).message).split('\n')[0]}): run as root with /dev/fuse`;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  /** Mounts BACKING on the mountpoint; resolves once the kernel has set the mount up. */
  async mount(timeoutMs = 10_000): Promise<void> {
    if (this.daemon || this.dead) throw new Error('power-cut-fs is still mounted');
    this.output = '';
    this.exitCode = null;
    const daemon = spawn(PYTHON, [DAEMON, this.backing, this.graveyard, this.mountpoint], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.daemon = daemon;
    const collect = (d: Buffer) => {
      this.output += d.toString();
      this.heard?.();
    };
    // a `cut` sent just as the daemon cut by itself (`atSync`) meets a closed pipe: nothing to do
    daemon.stdin?.on('error', () => {});
    daemon.stdout?.on('data', collect);
    daemon.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      daemon.once('close', (code) => {
        this.daemon = undefined;
        this.exitCode = code;
        // gone without an orderly unmount (a cut): the dead mount stays until `unmount`
        this.dead = !this.unmounting;
        this.heard?.();
        resolve();
      }),
    );
    try {
      await this.waitFor(/^mounted$/m, timeoutMs);
    } catch (err) {
      daemon.kill('SIGKILL');
      await this.exited;
      this.dead = false;
      throw new Error(`power-cut-fs did not mount: ${(err as Error).message}`);
    }
  }

  /**
   * The power goes: every write no fsync made durable and every name change no directory fsync
   * committed are forgotten at once, and the mount goes dead (every use of it fails). Kill the
   * processes using it, then `unmount` removes it.
   */
  async cut(): Promise<void> {
    this.daemon?.stdin?.end('cut\n');
    await this.exited;
    this.checkExit();
  }

  /**
   * At the `n`-th sync request (fsync, fdatasync, directory fsync) from now on, before it is
   * served, the daemon itself either cuts (`cut`: SIGSTOP to `pids`, then as `cut()`) or kills
   * (`kill`: SIGKILL to `pids`, the disk keeping everything). Resolves with the request it
   * happened at, or null when `timeoutMs` passed first (the trigger stays set: `cut()` anyway).
   */
  async atSync(n: number, action: 'cut' | 'kill', pids: number[], timeoutMs: number): Promise<string | null> {
    const from = this.output.length;
    this.daemon?.stdin?.write(`arm ${n} ${action} ${pids.join(' ')}\n`);
    try {
      const line = await this.waitFor(/^(cut|killed) at (.*)$/m, timeoutMs, from);
      if (action === 'cut') await this.exited;
      this.checkExit();
      return line;
    } catch (err) {
      if (err instanceof CutFailed) throw err;
      return null;
    }
  }

  /** A cut that could not undo what it should have leaves the disk in no state worth testing. */
  private checkExit(): void {
    if (this.exitCode) throw new CutFailed(`power-cut-fs: ${this.output.trim()}`);
  }

  /** After a cut, removes the dead mount; otherwise an orderly shutdown: held writes are written. */
  async unmount(): Promise<void> {
    if (this.dead) {
      try {
        execFileSync('fusermount3', ['-u', this.mountpoint], { stdio: 'pipe' });
      } catch {
        // still busy (a process not yet reaped): detach it, the kernel frees it once unused
        execFileSync('fusermount3', ['-u', '-z', this.mountpoint], { stdio: 'pipe' });
      }
      this.dead = false;
      return;
    }
    if (!this.daemon) return;
    this.unmounting = true;
    try {
      execFileSync('fusermount3', ['-u', this.mountpoint], { stdio: 'pipe' });
      await this.exited;
    } finally {
      this.unmounting = false;
    }
  }

  /** Resolves with the first line matching `re` the daemon printed after `from`; rejects when it exits first. */
  private waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`nothing matched ${re} in ${timeoutMs} ms: ${this.output}`)),
        timeoutMs,
      );
      const done = (err: Error | null, line?: string) => {
        clearTimeout(timer);
        this.heard = undefined;
        if (err) reject(err);
        else resolve(line as string);
      };
      this.heard = () => {
        const m = re.exec(this.output.slice(from));
        if (m) done(null, m[0]);
        else if (!this.daemon) done(new Error(`power-cut-fs exited: ${this.output.trim()}`));
      };
      this.heard();
    });
  }
}
