import fs from 'node:fs';
import path from 'node:path';

export class DataDirError extends Error {}

/**
 * One hub per data directory: a lock file holding the PID. A lock left by a process that no longer
 * runs (power cut, kill -9) is taken over.
 */
export class DataLock {
  readonly file: string;
  private held = false;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'hub.lock');
  }

  acquire(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(this.file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        this.held = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(fs.readFileSync(this.file, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
          throw new DataDirError(
            `another hub (pid ${pid}) is running on ${path.dirname(this.file)}: stop it first, or use another --data directory`,
          );
        }
        fs.rmSync(this.file, { force: true });
      }
    }
  }

  release(): void {
    if (!this.held) return;
    fs.rmSync(this.file, { force: true });
    this.held = false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
