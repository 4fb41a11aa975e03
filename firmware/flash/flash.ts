/**
 * `communs flash --port PATH [--board uno|nano]`: writes the committed firmware image to a board
 * through its serial bootloader with Debian's avrdude. Every failure is one line a person can act on.
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

const USAGE = 'usage: communs flash --port PATH [--board uno|nano]';

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
}

/** Parses the arguments after `flash`; returns the plan or a one-line error. */
export function parseFlashArgs(argv: string[]): FlashPlan | { error: string } | { help: true } {
  let values: { port?: string; board?: string; hex?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        board: { type: 'string', short: 'b' },
        hex: { type: 'string' },
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
  return { port: values.port, board, hex: values.hex ?? FIRMWARE_HEX };
}

/** The avrdude command line for a plan (-D: the bootloader erases page by page itself). */
export function avrdudeArgs(plan: FlashPlan): string[] {
  return [
    '-c',
    'arduino',
    '-p',
    'atmega328p',
    '-P',
    plan.port,
    '-b',
    String(BAUD[plan.board]),
    '-D',
    '-U',
    `flash:w:${plan.hex}:i`,
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

/** Runs avrdude, resolving with its exit code and the last line it printed. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; last: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4096);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve({ code: 127, last: error.message }));
    child.on('close', (code) => {
      const lines = output
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('avrdude done'));
      // avrdude's own diagnostics start with "avrdude:"; the last one names the cause.
      const diagnostic = lines.filter((l) => l.startsWith('avrdude')).at(-1);
      resolve({ code: code ?? 1, last: diagnostic ?? lines.at(-1) ?? '' });
    });
  });
}

export async function runFlash(argv: string[], deps: FlashDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));

  const plan = parseFlashArgs(argv);
  if ('help' in plan) {
    out(
      `${USAGE}\n  flashes ${FIRMWARE_HEX} with avrdude (uno: 115200 baud, nano with the old bootloader: 57600)`,
    );
    return 0;
  }
  if ('error' in plan) {
    err(plan.error);
    return 2;
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
  const result = await run(avrdude, avrdudeArgs(plan), env);
  if (result.code !== 0) {
    const hint = plan.board === 'uno' ? ' (a Nano with the old bootloader needs --board nano)' : '';
    err(`avrdude failed on ${plan.port} (exit ${result.code}): ${result.last || 'no output'}${hint}`);
    return 1;
  }
  out(`flashed communs-firmata to the ${plan.board} on ${plan.port}`);
  return 0;
}
