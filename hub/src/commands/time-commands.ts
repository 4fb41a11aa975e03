import type { HubContext } from '../context.ts';
import { parseDeviceTime } from '../interop/device-time.ts';
import { audit, type Command, CommandError } from './command.ts';
import { formatDuration, formatTime } from './format.ts';

/** `2026-12-05T10:00`, with seconds or not, in the hub's time zone unless it carries Z or an offset. */
export function parseTimeSet(text: string | undefined, timeZone: string): number | undefined {
  if (!text) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,3})?)?([zZ]|[+-]\d{2}:?\d{2})?$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  return parseDeviceTime(`${m[1]}T${m[2]}${m[3] ?? ':00'}${m[4] ?? ''}`, timeZone);
}

/** The neighbourhood's time zone (`settings set timezone`), the system's by default. */
function zoneOf(ctx: HubContext): string {
  return ctx.settings.get().timeZone;
}

export const timeShow: Command = {
  name: 'time',
  usage: 'time',
  summary: "the hub's time, whether it is trusted, and the NTP server it gives the neighbourhood",
  run(ctx, _args, io) {
    const c = ctx.clock.state();
    const zone = zoneOf(ctx);
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      dateStyle: 'medium',
      timeStyle: 'medium',
    });
    io.out(`hub time    ${formatTime(c.now)} (${local.format(c.now)} ${zone})`);
    io.out(
      c.trusted
        ? `            trusted${c.floor !== null ? `: not behind the last time it knew, ${formatTime(c.floor)}` : ''}`
        : `            NOT trusted: ${c.notice}`,
    );
    if (c.offsetMs !== 0) {
      io.out(
        `            set on the console: ${formatDuration(Math.abs(c.offsetMs))} ${c.offsetMs > 0 ? 'ahead of' : 'behind'} this machine's clock, for this boot`,
      );
    }
    const ntp = ctx.ntp?.();
    if (ntp)
      io.out(`ntp         ${ntp.port === null ? `off: ${ntp.off}` : `serving on UDP port ${ntp.port}`}`);
    io.out('set it with: time set YYYY-MM-DDTHH:MM (hub time zone), or fit an RTC (hardware/hub-rtc/)');
    return 0;
  },
};

export const timeSet: Command = {
  name: 'time set',
  usage: 'time set YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] [--force]',
  summary: "sets the hub's time when its clock is wrong (a Raspberry Pi without internet or RTC)",
  options: { force: { type: 'boolean' } },
  run(ctx, { positionals, values }, io) {
    const zone = zoneOf(ctx);
    const ts = parseTimeSet(positionals[0], zone);
    if (ts === undefined) {
      throw new CommandError(
        `"${positionals[0] ?? ''}" is not a time: write it as 2026-12-05T10:00 (${zone}), or with Z for UTC`,
      );
    }
    const before = ctx.clock.state();
    // a time before what the hub has stored is almost always a typing mistake (a month, a year)
    if (before.floor !== null && ts < before.floor - 60_000 && !values.force) {
      throw new CommandError(
        `${formatTime(ts)} is before the last time the hub knew (${formatTime(before.floor)}): check the date, or add --force`,
      );
    }
    ctx.clock.set(ts);
    audit(ctx, io, `time set ${formatTime(ts)} (the clock read ${formatTime(before.now)})`);
    io.out(`hub time set to ${formatTime(ts)}; it read ${formatTime(before.now)}.`);
    if (!before.trusted) io.out('The clock is trusted again: readings are stored again.');
    return 0;
  },
};
