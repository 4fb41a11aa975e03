import { SharingLevel } from '../../../protocol/index.ts';
import type { HubContext } from '../context.ts';
import { visibleTo } from '../privacy.ts';
import { audit, type Command, CommandError } from './command.ts';
import { findExportCopies, reportOpenData } from './export-files.ts';
import { formatTime } from './format.ts';
import { qrLines } from './qr-text.ts';
import { checkId, registryCall } from './registry-commands.ts';

export function requireHousehold(ctx: HubContext, id: string) {
  const h = ctx.registry.household(id);
  if (!h) throw new CommandError(`no household "${id}": see "household list"`);
  return h;
}

export const householdShow: Command = {
  name: 'household show',
  usage: 'household show ID',
  summary: 'one household: sharing, who sees its data, its nodes, its private link',
  run(ctx, { positionals }, io) {
    const h = requireHousehold(ctx, checkId('household', positionals[0], this.usage));
    const nodes = ctx.registry.listNodes().filter((n) => n.household_id === h.id);
    const link = ctx.store.links.info(h.id);
    io.out(`${h.kind} ${h.id}: "${h.name}"${h.location ? `, ${h.location}` : ''}`);
    io.out(`  sharing:      ${h.sharing} (visible to ${visibleTo(h.sharing)})`);
    io.out(`  private link: ${link ? `issued ${formatTime(link.createdAt)}` : 'none'}`);
    io.out(`  nodes:        ${nodes.map((n) => n.id).join(', ') || 'none'}`);
    return 0;
  },
};

export const householdRename: Command = {
  name: 'household rename',
  usage: 'household rename ID "NEW NAME" [--location "STREET"]',
  summary: 'rename a household or place (and its coarse location)',
  options: { location: { type: 'string' } },
  run(ctx, { positionals, values }, io) {
    const id = checkId('household', positionals[0], this.usage);
    const name = positionals[1]?.trim();
    if (!name) throw new CommandError(`missing the new name — usage: ${this.usage}`);
    if (name.length > 80) throw new CommandError(`name is ${name.length} characters: keep it under 80`);
    const patch: { name: string; location?: string | null } = { name };
    if (values.location !== undefined) patch.location = (values.location as string).trim() || null;
    registryCall(() => ctx.registry.updateHousehold(id, patch));
    audit(ctx, io, `household rename ${id} "${name}"`);
    io.out(`household ${id} is now called "${name}".`);
    return 0;
  },
};

export const householdSharing: Command = {
  name: 'household sharing',
  usage: 'household sharing ID private|community|open',
  summary: "set who may see a household's data",
  async run(ctx, { positionals }, io) {
    const id = checkId('household', positionals[0], this.usage);
    const level = SharingLevel.safeParse(positionals[1]);
    if (!level.success)
      throw new CommandError(
        `sharing must be private, community or open, got "${positionals[1] ?? ''}" — usage: ${this.usage}`,
      );
    const before = requireHousehold(ctx, id).sharing;
    registryCall(() => ctx.registry.updateHousehold(id, { sharing: level.data }));
    audit(ctx, io, `household sharing ${id} ${before} -> ${level.data}`);
    io.out(`household ${id}: sharing ${before} -> ${level.data}.`);
    io.out(`  now visible to ${visibleTo(level.data)}.`);
    const nodes = ctx.registry
      .listNodes()
      .filter((n) => n.household_id === id)
      .map((n) => n.id);
    if (before !== 'private' && level.data === 'private') {
      const series = nodes.flatMap((n) =>
        ctx.registry.sensorsOf(n).map((s) => ({ node: n, sensor: s.sensor })),
      );
      for (const line of (await ctx.withdrawHousehold?.({ series })) ?? []) io.out(`  ${line}`);
      io.out(
        '  its past stays out of public series; collective figures already published are kept as they are.',
      );
    }
    if (before === 'private' && level.data !== 'private')
      io.out('  its series are public from now on; what it measured before stays private.');
    if (before === 'open' && level.data !== 'open')
      reportOpenData(io, ctx.dataDir, findExportCopies(ctx.dataDir, id, nodes).openData);
    return 0;
  },
};

export const householdLink: Command = {
  name: 'household link',
  usage: 'household link ID [--ascii]',
  summary: 'issue the private link of a household (URL and QR code; replaces the previous link)',
  options: { ascii: { type: 'boolean' } },
  async run(ctx, { positionals, values }, io) {
    const h = requireHousehold(ctx, checkId('household', positionals[0], this.usage));
    const replaced = ctx.store.links.info(h.id) !== undefined;
    const token = await ctx.store.links.issue(h.id);
    audit(ctx, io, `household link ${h.id}${replaced ? ' (previous link revoked)' : ''}`);
    const url = `${ctx.baseUrl()}/h/${token}`;
    io.out(`private link of ${h.id} ("${h.name}")${replaced ? ': the previous link no longer works' : ''}:`);
    io.out(`  ${url}`);
    for (const line of await qrLines(url, { ascii: values.ascii === true })) io.out(line);
    io.out("Whoever holds this link sees the household's own data: give it to the household only.");
    io.out(`It is shown once and stored only as a hash. "household unlink ${h.id}" revokes it.`);
    if (/\/\/(0\.0\.0\.0|\[::\]|HUB-ADDRESS)/.test(url))
      io.out('hint: set the address residents use with "settings set url http://ADDRESS:PORT".');
    return 0;
  },
};

export const householdUnlink: Command = {
  name: 'household unlink',
  usage: 'household unlink ID',
  summary: 'revoke the private link of a household',
  run(ctx, { positionals }, io) {
    const h = requireHousehold(ctx, checkId('household', positionals[0], this.usage));
    if (!ctx.store.links.revoke(h.id)) {
      io.out(`household ${h.id} has no private link.`);
      return 0;
    }
    audit(ctx, io, `household unlink ${h.id}`);
    io.out(`private link of ${h.id} revoked: it now answers like an unknown link.`);
    return 0;
  },
};
