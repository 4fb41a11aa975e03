import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { Commands } from '../commands/commands.ts';
import { ConsoleClient } from '../console/console-client.ts';
import { DataDirError } from '../data-lock.ts';
import { openOfflineContext } from '../offline-context.ts';
import { NewerSchemaError } from '../store/db.ts';

const USAGE = `usage: communs console [--data DIR] [-c "COMMAND"]
  Without -c: an interactive console ("help" lists the commands, "exit" leaves).
  With the hub running, commands go to it through DIR/console.sock; otherwise they work on the database.`;

/** `communs console`: one command with -c (exit status = the command's), interactive otherwise. */
export async function runConsoleCommand(argv: string[]): Promise<number> {
  let values: { data?: string; c?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        c: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`communs console: ${(err as Error).message.split('\n')[0]} (see "communs console --help")`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = path.resolve(values.data ?? process.env.COMMUNS_DATA ?? './data');
  const run = await connect(dataDir);
  if (typeof run === 'string') {
    console.error(`communs console: ${run}`);
    return 1;
  }
  try {
    if (values.c !== undefined) return await run.exec(values.c, (l) => console.log(l));
    return await interactive(run.exec);
  } finally {
    run.close();
  }
}

type Ask = (question: string) => Promise<boolean>;
type Exec = (line: string, out: (l: string) => void, ask?: Ask) => Promise<number>;

async function connect(dataDir: string): Promise<{ exec: Exec; close: () => void } | string> {
  try {
    const client = await ConsoleClient.connect(dataDir);
    if (client) return { exec: (line, out, ask) => client.run(line, out, ask), close: () => client.close() };
    const offline = openOfflineContext(dataDir);
    const commands = new Commands();
    return {
      exec: (line, out, ask) =>
        commands.run(offline.ctx, line, {
          out,
          who: `offline:${process.env.USER ?? 'unknown'}`,
          ...(ask ? { confirm: ask } : {}),
        }),
      close: offline.close,
    };
  } catch (err) {
    if (err instanceof DataDirError || err instanceof NewerSchemaError) return err.message;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EACCES') return `permission denied on ${dataDir}: run as the hub's user`;
    return `cannot open the console on ${dataDir}: ${e.message}`;
  }
}

async function interactive(exec: Exec): Promise<number> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'communs> ' });
  // one queue of typed lines, read both by the prompt loop and by a command's yes/no question
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  rl.on('line', (l) => {
    lines.push(l);
    wake?.();
  });
  rl.on('close', () => {
    closed = true;
    wake?.();
  });
  const next = async (): Promise<string | undefined> => {
    while (lines.length === 0 && !closed) await new Promise<void>((r) => (wake = r));
    return lines.shift();
  };
  const ask: Ask = async (question) => {
    process.stdout.write(`${question} [y/N] `);
    return /^\s*y(es)?\s*$/i.test((await next()) ?? '');
  };
  for (;;) {
    rl.prompt();
    const line = await next();
    if (line === undefined) break;
    const trimmed = line.trim();
    if (trimmed === 'exit' || trimmed === 'quit') break;
    await exec(trimmed, (l) => console.log(l), ask);
  }
  rl.close();
  return 0;
}
