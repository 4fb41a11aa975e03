import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { HubContext } from '../context.ts';

/** Where a command writes, and who ran it (for the audit log). */
export interface CommandIO {
  out: (line: string) => void;
  /** "serial:/dev/ttyUSB0", "local:alice", "cli" */
  who: string;
  /** asks a yes/no question; consoles that cannot ask (one-shot `-c`) answer false */
  confirm?: (question: string) => Promise<boolean>;
}

export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  /** one or two words: "status", "node add" */
  name: string;
  usage: string;
  summary: string;
  /** the summary in French, for `aide` (commands without one show the English) */
  summaryFr?: string;
  options?: CommandOptions;
  run(ctx: HubContext, args: ParsedCommand, io: CommandIO): Promise<number> | number;
}

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** A mistake the person can fix: shown as one line, with a hint, exit status 2. */
export class CommandError extends Error {}

/** Splits a command line into words; double or single quotes keep spaces inside a word. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new CommandError(`unclosed ${quote} quote`);
  if (inWord) words.push(current);
  return words;
}

export function parseCommandArgs(cmd: Command, words: string[]): ParsedCommand {
  try {
    const { positionals, values } = parseArgs({
      args: negativeValues(cmd, words),
      options: cmd.options ?? {},
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values: values as ParsedCommand['values'] };
  } catch (err) {
    const first = (err as Error).message.split('\n')[0] ?? '';
    // node's own message about "-1" is a paragraph; a console wants one short line
    const unknown = /^Unknown option '([^']*)'/.exec(first);
    const message = unknown ? `unknown option "${unknown[1]}"` : first;
    throw new CommandError(`${message} — usage: ${cmd.usage}`);
  }
}

/**
 * `--target -10%`: node's parser takes a value starting with "-" for an option; a negative number
 * after an option that takes a value is that value, as a person means it.
 */
function negativeValues(cmd: Command, words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const next = words[i + 1];
    const opt = w.startsWith('--') ? cmd.options?.[w.slice(2)] : undefined;
    if (opt?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${w}=${next}`);
      i++;
    } else out.push(w);
  }
  return out;
}

/** Audit: every change made from a console is written down with who and when. */
export function audit(ctx: HubContext, io: CommandIO, what: string): void {
  ctx.store.audit.add(ctx.now(), io.who, what);
}
