import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A package on the npm registry that ships the stock StandardFirmata image for an Uno. */
const PACKAGE = 'avrgirl-arduino@5.0.1';
const IMAGE = 'package/junk/hex/uno/StandardFirmata.cpp.hex';

/**
 * The stock StandardFirmata image, for tests of the agent on firmware we did not write. It is
 * fetched from the npm registry at test time (`npm pack`, into a temp dir that is removed again) and
 * never committed. Resolves `{ skip }` with the reason when the registry cannot be reached.
 */
export async function standardFirmataHex(): Promise<{ hex: string } | { skip: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'communs-stock-firmata-'));
  try {
    const { stdout } = await exec('npm', ['pack', PACKAGE, '--pack-destination', dir, '--silent'], {
      timeout: 60_000,
    });
    const tarball = join(dir, stdout.trim().split('\n').at(-1) ?? '');
    await exec('tar', ['-xzf', tarball, '-C', dir, IMAGE]);
    return { hex: readFileSync(join(dir, IMAGE), 'utf8') };
  } catch (err) {
    const why = ((err as Error).message.split('\n')[0] ?? '').slice(0, 160);
    return { skip: `the npm registry did not give ${PACKAGE} (${why}): stock StandardFirmata not available` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
