/** How much the hub says: errors only, then warnings, what it does (default), then details. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A log line sink with levels. Calling it is `info`: every part of the hub takes a plain
 * `(line: string) => void` and may call `.warn`, `.error` or `.debug` on it when it is a `Log`.
 */
export interface Log {
  (line: string): void;
  error(line: string): void;
  warn(line: string): void;
  info(line: string): void;
  debug(line: string): void;
}

/** syslog priorities, which journald reads from a leading `<N>` (sd-daemon(3)) */
const PRIORITY: Record<LogLevel, number> = { error: 3, warn: 4, info: 6, debug: 7 };

export interface LogOptions {
  level: LogLevel;
  /** where a line goes; default stdout, errors and warnings to stderr */
  write?: (level: LogLevel, line: string) => void;
  /** prefix lines with `<N>` for journald (default: when the process runs under systemd) */
  journald?: boolean;
}

/** The hub's log, at `level` and above. */
export function createLog(opts: LogOptions): Log {
  const rank = LOG_LEVELS.indexOf(opts.level);
  const journald = opts.journald ?? process.env.JOURNAL_STREAM !== undefined;
  const write =
    opts.write ??
    ((level: LogLevel, line: string) => {
      const text = journald ? `<${PRIORITY[level]}>${line}` : level === 'info' ? line : `${level}: ${line}`;
      if (level === 'error' || level === 'warn') console.error(text);
      else console.log(text);
    });
  const at = (level: LogLevel) => (line: string) => {
    if (LOG_LEVELS.indexOf(level) <= rank) write(level, line);
  };
  return Object.assign(at('info'), {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
  });
}

/** A plain line function (a test's, a benchmark's) as a `Log`: every level goes to it. */
export function asLog(fn: ((line: string) => void) | Log): Log {
  if ('warn' in fn && typeof fn.warn === 'function') return fn as Log;
  const plain = (line: string) => fn(line);
  return Object.assign(plain, { error: plain, warn: plain, info: plain, debug: plain });
}

export function parseLogLevel(text: string | undefined): LogLevel | undefined {
  return LOG_LEVELS.find((l) => l === text);
}
