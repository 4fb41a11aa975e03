/**
 * `communs flash --port PATH [--board uno|nano] [--attempts N] [--dry-run]`: writes the committed
 * firmware image to a board through its serial bootloader with Debian's avrdude. It says at once what
 * it runs and how long that may take, shows avrdude's own lines as they come, and ends a failure with
 * one line a person can act on.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const FIRMWARE_HEX = fileURLToPath(new URL('../mcu/communs-firmata.hex', import.meta.url));

/** Bootloader baud rates: optiboot on the Uno, the old ATmegaBOOT on most Nano clones. */
const BAUD = { uno: 115200, nano: 57600 } as const;
type Board = keyof typeof BAUD;

/** avrdude 7's arduino programmer tries to sync this many times (~5.5 s each) before giving up. */
const AVRDUDE_ATTEMPTS = 10;

const USAGE = 'usage: communs flash --port PATH [--board uno|nano] [--attempts N] [--dry-run]';

export interface FlashDeps {
  /** Environment used to find and run avrdude (PATH). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

export interface FlashPlan {
  port: string;
  board: Board;
  hex: string;
  /** how many times avrdude tries to reach the bootloader; its own default when absent */
  attempts?: number;
  dryRun: boolean;
}

/** Parses the arguments after `flash`; returns the plan or a one-line error. */
export function parseFlashArgs(argv: string[]): FlashPlan | { error: string } | { help: true } {
  let values: {
    port?: string;
    board?: string;
    hex?: string;
    attempts?: string;
    'dry-run'?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        board: { type: 'string', short: 'b' },
        hex: { type: 'string' },
        attempts: { type: 'string' },
        'dry-run': { type: 'boolean', short: 'n' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { error: `${(error as Error).message}; ${USAGE}` };
  }
  if (values.help) return { help: true };
  if (!values.port) return { error: `"--port" is required (e.g. /dev/ttyACM0 or /dev/ttyUSB0); ${USAGE}` };
  const board = values.board ?? 'uno';
  if (board !== 'uno' && board !== 'nano') {
    return { error: `"--board" must be uno or nano, got "${board}"` };
  }
  let attempts: number | undefined;
  if (values.attempts !== undefined) {
    attempts = Number(values.attempts);
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 50)
      return { error: `"--attempts" must be a whole number from 1 to 50, got "${values.attempts}"` };
  }
  return {
    port: values.port,
    board,
    hex: values.hex ?? FIRMWARE_HEX,
    ...(attempts ? { attempts } : {}),
    dryRun: values['dry-run'] === true,
  };
}

/** The avrdude command line for a plan (-D: the bootloader erases page by page itself). */
export function avrdudeArgs(plan: FlashPlan): string[] {
  return [
    ...['-c', 'arduino', '-p', 'atmega328p', '-P', plan.port, '-b', String(BAUD[plan.board])],
    ...(plan.attempts ? ['-x', `attempts=${plan.attempts}`] : []),
    ...['-D', '-U', `flash:w:${plan.hex}:i`],
  ];
}

function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Runs avrdude, handing each line it prints (progress bars included) to `line` as it comes;
 * resolves with its exit code and every line.
 */
function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  line: (text: string) => void,
): Promise<{ code: number; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const pending = { stdout: '', stderr: '' };
    const take = (stream: 'stdout' | 'stderr', chunk: string, end = false): void => {
      const parts = (pending[stream] + chunk).split(/\r?\n/);
      pending[stream] = end ? '' : (parts.pop() ?? '');
      for (const raw of parts) {
        const text = raw.trimEnd();
        if (text.trim() === '') continue;
        lines.push(text.trim());
        line(text);
      }
    };
    child.stdout.on('data', (c: Buffer) => take('stdout', c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => take('stderr', c.toString('utf8')));
    child.on('error', (error) => resolve({ code: 127, lines: [error.message] }));
    child.on('close', (code) => {
      take('stdout', '', true);
      take('stderr', '', true);
      resolve({ code: code ?? 1, lines });
    });
  });
}

/** A word-safe command line to paste into a shell. */
function shellLine(words: string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The one line that says why avrdude failed, and what to try. */
function diagnose(plan: FlashPlan, code: number, lines: string[]): string {
  const said = lines.filter((l) => l.startsWith('avrdude') && !l.startsWith('avrdude done'));
  const sync = said.filter((l) => /not in sync|not responding/i.test(l)).at(-1);
  const denied = said.find((l) => /permission denied/i.test(l));
  const cause = denied ?? sync ?? said.at(-1) ?? lines.at(-1) ?? 'no output';
  let hint = '';
  if (denied) hint = ' — add yourself to the dialout group (sudo adduser $USER dialout, then log in again)';
  else if (sync && plan.board === 'uno')
    hint =
      ' — the bootloader did not answer at 115200 baud: a Nano clone with the old bootloader needs --board nano';
  else if (sync) hint = ' — check the port, and press the reset button just as avrdude starts';
  return `avrdude failed on ${plan.port} (exit ${code}): ${cause}${hint}`;
}

export async function runFlash(argv: string[], deps: FlashDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));

  const plan = parseFlashArgs(argv);
  if ('help' in plan) {
    out(
      `${USAGE}\n  flashes ${FIRMWARE_HEX} with avrdude (uno: 115200 baud, nano with the old bootloader: 57600); --dry-run prints the command`,
    );
    return 0;
  }
  if ('error' in plan) {
    err(plan.error);
    return 2;
  }
  const args = avrdudeArgs(plan);
  if (plan.dryRun) {
    out(shellLine(['avrdude', ...args]));
    return 0;
  }
  const avrdude = findOnPath('avrdude', env);
  if (!avrdude) {
    err('avrdude not found: install it with `sudo apt-get install avrdude`');
    return 1;
  }
  if (!existsSync(plan.port)) {
    err(`port ${plan.port} does not exist: plug the board in and check \`ls /dev/ttyACM* /dev/ttyUSB*\``);
    return 1;
  }
  if (!existsSync(plan.hex)) {
    err(`firmware image ${plan.hex} not found: run \`npm run firmware:build\``);
    return 1;
  }
  const attempts = plan.attempts ?? AVRDUDE_ATTEMPTS;
  out(
    `flashing the ${plan.board} on ${plan.port} with avrdude at ${BAUD[plan.board]} baud: it tries to reach the bootloader up to ${attempts} attempt${attempts > 1 ? 's' : ''}, about 5 s each, then writes and verifies (~10 s)`,
  );
  const result = await run(avrdude, args, env, (line) => out(`  ${line}`));
  if (result.code !== 0) {
    err(diagnose(plan, result.code, result.lines));
    return 1;
  }
  out(`flashed communs-firmata to the ${plan.board} on ${plan.port}`);
  return 0;
}
