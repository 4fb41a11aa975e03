import type { HubContext } from '../context.ts';
import { CHALLENGE_COMMANDS } from './challenge-commands.ts';
import { type Command, CommandError, type CommandIO, parseCommandArgs, tokenize } from './command.ts';
import { backup, exportOpen, retentionSet, retentionShow } from './data-commands.ts';
import { INTEROP_COMMANDS } from './device-commands.ts';
import {
  householdLink,
  householdRename,
  householdSharing,
  householdShow,
  householdUnlink,
} from './household-commands.ts';
import { householdErase, householdExport } from './household-data-commands.ts';
import { nodeMove, nodeRejections, nodeRename, nodeRevoke, nodeRotate } from './node-commands.ts';
import { householdAdd, householdList, nodeAdd, nodeList } from './registry-commands.ts';
import { REPORT_COMMANDS } from './report-commands.ts';
import { settingsSet, settingsShow } from './settings-commands.ts';
import { SIGNAL_COMMANDS } from './signal-commands.ts';
import { auditLog, status } from './status-commands.ts';
import { TARIFF_COMMANDS } from './tariff-commands.ts';
import { timeSet, timeShow } from './time-commands.ts';

/**
 * The one command layer behind every console: the serial port, `communs console` on the local
 * socket, and `communs console -c`. Returns an exit status: 0 ok, 2 a mistake the person can fix.
 */
export class Commands {
  private readonly list: Command[] = [];

  constructor(commands: Command[] = DEFAULT_COMMANDS) {
    for (const c of commands) this.register(c);
  }

  register(cmd: Command): void {
    this.list.push(cmd);
  }

  all(): readonly Command[] {
    return this.list;
  }

  async run(ctx: HubContext, line: string, io: CommandIO): Promise<number> {
    let words: string[];
    try {
      words = tokenize(line.trim());
    } catch (err) {
      io.out(`error: ${(err as Error).message}`);
      return 2;
    }
    if (words.length === 0) return 0;
    if (words[0] === 'help') return this.help(words.slice(1), io, 'en');
    if (words[0] === 'aide') return this.help(words.slice(1), io, 'fr');
    const cmd = this.find(words);
    if (!cmd) {
      const group = this.list.filter((c) => c.name.split(' ')[0] === words[0]);
      const hint = group.length
        ? `try: ${group.map((c) => c.name).join(', ')}`
        : 'type "help" for the list of commands';
      io.out(`error: unknown command "${words.slice(0, 2).join(' ')}" — ${hint}`);
      return 2;
    }
    try {
      const args = parseCommandArgs(cmd, words.slice(cmd.name.split(' ').length));
      return await cmd.run(ctx, args, io);
    } catch (err) {
      if (err instanceof CommandError) {
        io.out(`error: ${err.message}`);
        return 2;
      }
      io.out(`error: ${(err as Error).message}`);
      return 1;
    }
  }

  private find(words: string[]): Command | undefined {
    const two = words.slice(0, 2).join(' ');
    return this.list.find((c) => c.name === two) ?? this.list.find((c) => c.name === words[0]);
  }

  /** `help` in English; `aide` in French where a command has its French summary. */
  private help(topic: string[], io: CommandIO, lang: 'en' | 'fr'): number {
    const summary = (c: Command) => (lang === 'fr' ? (c.summaryFr ?? c.summary) : c.summary);
    if (topic.length > 0) {
      const cmd = this.find(topic);
      if (!cmd) {
        io.out(
          lang === 'fr'
            ? `erreur : pas de commande "${topic.join(' ')}" — tapez "aide" pour la liste`
            : `error: no command "${topic.join(' ')}" — type "help" for the list`,
        );
        return 2;
      }
      io.out(`usage: ${cmd.usage}`);
      io.out(`  ${summary(cmd)}`);
      return 0;
    }
    io.out(
      lang === 'fr' ? 'commandes (aide COMMANDE pour le détail) :' : 'commands (help COMMAND for details):',
    );
    for (const c of this.list) io.out(`  ${c.name.padEnd(22)} ${summary(c)}`);
    return 0;
  }
}

export const DEFAULT_COMMANDS: Command[] = [
  status,
  nodeList,
  nodeAdd,
  nodeRename,
  nodeMove,
  nodeRotate,
  nodeRevoke,
  nodeRejections,
  householdList,
  householdAdd,
  householdShow,
  householdRename,
  householdSharing,
  householdLink,
  householdUnlink,
  householdExport,
  householdErase,
  retentionShow,
  retentionSet,
  exportOpen,
  backup,
  settingsShow,
  settingsSet,
  timeShow,
  timeSet,
  ...TARIFF_COMMANDS,
  ...SIGNAL_COMMANDS,
  ...CHALLENGE_COMMANDS,
  ...REPORT_COMMANDS,
  auditLog,
  ...INTEROP_COMMANDS,
];

export { CommandError };
