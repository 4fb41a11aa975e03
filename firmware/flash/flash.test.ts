import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ptyPair } from '../virtual/pty-pair.ts';
import { FIRMWARE_HEX, runFlash } from './flash.ts';

describe('communs flash', () => {
  let dir: string;
  let port: string;
  let out: string[];
  let err: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'communs-flash-'));
    port = join(dir, 'ttyACM0'); // a file stands in for the device node
    writeFileSync(port, '');
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A PATH holding only a fake avrdude that records its arguments, prints `stderr`, exits `code`. */
  function fakeAvrdude(code: number, stderr = ''): string {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const script = `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(dir, 'args')}"\nprintf '%s\\n' "${stderr}" >&2\nexit ${code}\n`;
    writeFileSync(join(bin, 'avrdude'), script);
    chmodSync(join(bin, 'avrdude'), 0o755);
    return bin;
  }

  const deps = (path: string) => ({
    env: { PATH: path },
    out: (l: string) => out.push(l),
    err: (l: string) => err.push(l),
  });
  const recordedArgs = () => readFileSync(join(dir, 'args'), 'utf8').trim().split('\n');

  it('says how to install avrdude when it is missing, in one line, exit 1', async () => {
    const code = await runFlash(['--port', port], deps(join(dir, 'nothing-here')));
    expect(code).toBe(1);
    expect(err).toEqual(['avrdude not found: install it with `sudo apt-get install avrdude`']);
  });

  it('names a port that does not exist, in one line, exit 1', async () => {
    const code = await runFlash(['--port', '/dev/ttyNOPE9'], deps(fakeAvrdude(0)));
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^port \/dev\/ttyNOPE9 does not exist/);
  });

  it('runs avrdude for an Uno at 115200 baud with the committed image', async () => {
    const code = await runFlash(['--port', port], deps(fakeAvrdude(0)));
    expect(code).toBe(0);
    expect(recordedArgs()).toEqual([
      '-c',
      'arduino',
      '-p',
      'atmega328p',
      '-P',
      port,
      '-b',
      '115200',
      '-D',
      '-U',
      `flash:w:${FIRMWARE_HEX}:i`,
    ]);
    expect(out[0]).toMatch(/^flashing the uno on .* at 115200 baud/);
    expect(out.at(-1)).toBe(`flashed communs-firmata to the uno on ${port}`);
  });

  it('uses 57600 baud for a Nano with the old bootloader', async () => {
    expect(await runFlash(['--port', port, '--board', 'nano'], deps(fakeAvrdude(0)))).toBe(0);
    expect(recordedArgs()[7]).toBe('57600');
  });

  it('reports an avrdude failure as one line with its cause, no stack trace', async () => {
    const bin = fakeAvrdude(1, 'avrdude: stk500_recv(): programmer is not responding');
    const code = await runFlash(['--port', port], deps(bin));
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('avrdude failed on');
    expect(err[0]).toContain('programmer is not responding');
    expect(err[0]).not.toMatch(/\n|at .*\.ts:/);
  });

  it('rejects a missing --port or an unknown board with a usage line', async () => {
    expect(await runFlash([], deps(fakeAvrdude(0)))).toBe(2);
    expect(await runFlash(['--port', port, '--board', 'mega'], deps(fakeAvrdude(0)))).toBe(2);
    expect(err[0]).toMatch(/"--port" is required/);
    expect(err[1]).toBe('"--board" must be uno or nano, got "mega"');
  });

  it('--dry-run prints the avrdude command and runs nothing', async () => {
    const code = await runFlash(
      ['--port', '/dev/ttyUSB3', '--board', 'nano', '--dry-run'],
      deps(fakeAvrdude(0)),
    );
    expect(code).toBe(0);
    expect(out).toEqual([
      `avrdude -c arduino -p atmega328p -P /dev/ttyUSB3 -b 57600 -D -U flash:w:${FIRMWARE_HEX}:i`,
    ]);
    expect(() => recordedArgs()).toThrow();
  });
});

describe('communs flash with the real avrdude, no board answering (a socat pseudo-terminal)', () => {
  it("says what it does at once, shows avrdude's own lines, and suggests --board nano when an Uno-rate sync fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'communs-flash-pty-'));
    const port = join(dir, 'ttyACM0');
    const socat = await ptyPair(port, join(dir, 'board-side'));
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runFlash(['--port', port, '--attempts', '1'], {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
      });
      expect(code).toBe(1);
    } finally {
      socat.kill();
      rmSync(dir, { recursive: true, force: true });
    }
    // the first line comes before avrdude has given up, and says how long it may take
    expect(out[0]).toMatch(/avrdude.*115200.*1 attempt/);
    // avrdude's own diagnosis, as it prints it
    expect(out.some((l) => /not in sync|not responding/.test(l))).toBe(true);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/not in sync|not responding/);
    expect(err[0]).toContain('--board nano');
  }, 60_000);
});
