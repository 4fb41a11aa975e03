import type { ChallengeView } from '../../../protocol/challenge.ts';
import { Challenge } from '../../../protocol/challenge.ts';
import { togetherOf } from '../together.ts';
import { audit, type Command, CommandError } from './command.ts';

/**
 * Collective challenges on the console (docs/COLLECTIVE.md): declared for a date and whole hours,
 * with a target against the baseline; listed with their state and result; removed.
 */

const ADD_USAGE = 'challenge add ID "TITLE" --date YYYY-MM-DD --from HH:00 --to HH:00 --target -10%';

function parseTarget(raw: string | undefined): number {
  const m = /^\s*([+-]?\d+(?:[.,]\d+)?)\s*%?\s*$/.exec(raw ?? '');
  const n = m ? Number((m[1] ?? '').replace(',', '.')) : Number.NaN;
  if (!Number.isFinite(n))
    throw new CommandError(`--target must be a change in %, such as -10%, got "${raw ?? ''}"`);
  if (n > 0) throw new CommandError(`a target is a reduction: write --target -${n}%, got "${raw}"`);
  if (n < -100) throw new CommandError(`a target cannot be below -100 %, got "${raw}"`);
  return n;
}

export const challengeAdd: Command = {
  name: 'challenge add',
  usage: ADD_USAGE,
  summary: 'declares a collective challenge: the neighbourhood uses less in a window, against its usual',
  summaryFr:
    'déclare un défi collectif : le quartier consomme moins sur un créneau, par rapport à d’habitude',
  options: {
    date: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    target: { type: 'string' },
  },
  run(ctx, { positionals, values }, io) {
    const [id, title, ...extra] = positionals;
    if (!id || !title || extra.length > 0)
      throw new CommandError(`give an id and a title in quotes — usage: ${ADD_USAGE}`);
    for (const o of ['date', 'from', 'to', 'target'])
      if (typeof values[o] !== 'string') throw new CommandError(`missing --${o} — usage: ${ADD_USAGE}`);
    const parsed = Challenge.safeParse({
      id,
      title: title.trim(),
      date: values.date,
      from: values.from,
      to: values.to,
      targetPct: parseTarget(values.target as string),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue?.path[0] ?? 'challenge');
      const shown = field === 'targetPct' ? 'target' : field;
      throw new CommandError(`${shown}: ${issue?.message ?? 'invalid'} — usage: ${ADD_USAGE}`);
    }
    const c = parsed.data;
    if (!ctx.store.challenges.add(c, ctx.now()))
      throw new CommandError(`a challenge "${c.id}" exists already: "challenge list" shows it`);
    audit(ctx, io, `challenge add ${c.id} "${c.title}" ${c.date} ${c.from}-${c.to} ${c.targetPct}%`);
    const view = togetherOf(ctx)
      .challenges.views()
      .find((v) => v.id === c.id);
    io.out(`challenge ${c.id}: "${c.title}", ${c.date} ${c.from}–${c.to}, target ${c.targetPct} %.`);
    io.out(
      view?.baseline
        ? `baseline: ${(view.baseline.perHomeWh / 1000).toFixed(2)} kWh per household, from ${view.baseline.weeks.join(', ')}.`
        : `no baseline yet: ${view?.withheld ?? 'it needs earlier weeks of published figures'}.`,
    );
    return 0;
  },
};

function line(v: ChallengeView): string {
  const f = v.figures;
  const result = f
    ? `${f.changePct >= 0 ? '+' : '−'}${Math.abs(f.changePct).toFixed(0)} % (target ${v.targetPct} %${f.met ? ', met' : ''}), ${(f.savedWh / 1000).toFixed(1)} kWh saved, ≈ ${f.savedCost.toFixed(2)} ${f.currency}, ≈ ${Math.round(f.savedCo2g)} g CO2`
    : (v.withheld ?? '');
  return `  ${v.id.padEnd(18)} ${v.date} ${v.from}–${v.to}  ${v.state.padEnd(9)} "${v.title}"  ${result}`;
}

export const challengeList: Command = {
  name: 'challenge list',
  usage: 'challenge list',
  summary: 'the challenges, their state (upcoming, live, settling, done) and results',
  summaryFr: 'les défis, leur état (à venir, en cours, en attente, terminé) et leurs résultats',
  run(ctx, _args, io) {
    const views = togetherOf(ctx).challenges.views();
    if (views.length === 0) {
      io.out(`no challenge yet: ${ADD_USAGE}`);
      return 0;
    }
    for (const v of views) io.out(line(v));
    return 0;
  },
};

export const challengeRemove: Command = {
  name: 'challenge remove',
  usage: 'challenge remove ID',
  summary: 'removes a challenge, and its result with it',
  summaryFr: 'retire un défi, et son résultat avec',
  run(ctx, { positionals }, io) {
    const id = positionals[0] ?? '';
    if (!ctx.store.challenges.remove(id))
      throw new CommandError(`no challenge "${id}": "challenge list" shows them`);
    audit(ctx, io, `challenge remove ${id}`);
    io.out(`challenge ${id} removed.`);
    return 0;
  },
};

export const CHALLENGE_COMMANDS: Command[] = [challengeAdd, challengeList, challengeRemove];
