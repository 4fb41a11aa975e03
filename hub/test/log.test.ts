import { describe, expect, it } from 'vitest';
import { parseHubArgs } from '../src/cli/hub-args.ts';
import { asLog, createLog, type LogLevel } from '../src/log.ts';

describe('the hub log, with levels', () => {
  const capture = (level: LogLevel, journald = false) => {
    const lines: string[] = [];
    const log = createLog({ level, journald, write: (l, line) => lines.push(`${l} ${line}`) });
    return { log, lines };
  };

  it('says what is at its level and above, and calling it is info', () => {
    const { log, lines } = capture('warn');
    log('started');
    log.debug('a detail');
    log.warn('disk nearly full');
    log.error('store failing');
    expect(lines).toEqual(['warn disk nearly full', 'error store failing']);
    const all = capture('debug');
    all.log('started');
    all.log.debug('a detail');
    expect(all.lines).toEqual(['info started', 'debug a detail']);
  });

  it('prefixes lines with their syslog priority for journald', () => {
    const out: string[] = [];
    const origError = console.error;
    const origLog = console.log;
    console.error = (line: string) => out.push(`stderr ${line}`);
    console.log = (line: string) => out.push(`stdout ${line}`);
    try {
      const journal = createLog({ level: 'info', journald: true });
      journal.error('store failing');
      journal('started');
      const plain = createLog({ level: 'info', journald: false });
      plain.warn('clock behind');
      plain('started');
    } finally {
      console.error = origError;
      console.log = origLog;
    }
    expect(out).toEqual([
      'stderr <3>store failing',
      'stdout <6>started',
      'stderr warn: clock behind',
      'stdout started',
    ]);
  });

  it('a plain line function takes every level', () => {
    const lines: string[] = [];
    const log = asLog((line) => lines.push(line));
    log.error('e');
    log.debug('d');
    expect(lines).toEqual(['e', 'd']);
  });

  it('--log-level and COMMUNS_LOG_LEVEL choose it; a wrong one is refused in one line', () => {
    expect(parseHubArgs(['--log-level', 'debug'], {}).logLevel).toBe('debug');
    expect(parseHubArgs([], { COMMUNS_LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(parseHubArgs([], {}).logLevel).toBe('info');
    expect(() => parseHubArgs(['--log-level', 'loud'], {})).toThrow(
      '--log-level must be one of error, warn, info, debug, got "loud"',
    );
  });
});
