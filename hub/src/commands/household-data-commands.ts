import fs from 'node:fs';
import path from 'node:path';
import type { HubContext } from '../context.ts';
import { exportFile } from '../store/csv-export.ts';
import { audit, type Command, CommandError } from './command.ts';
import { findExportCopies, reportOpenData } from './export-files.ts';
import { requireHousehold } from './household-commands.ts';
import { checkId } from './registry-commands.ts';

/** How long erasure waits for readings already accepted from the household's nodes to be written. */
const DRAIN_MS = 3000;

async function drainIngest(ctx: HubContext): Promise<void> {
  const until = ctx.now() + DRAIN_MS;
  while (ctx.ingestState().pending > 0 && ctx.now() < until) await new Promise((r) => setTimeout(r, 20));
}

export const householdErase: Command = {
  name: 'household erase',
  usage: 'household erase ID [--yes]',
  summary: 'erase a household: its nodes, readings, rollups, rejections and link (asks first)',
  options: { yes: { type: 'boolean' } },
  async run(ctx, { positionals, values }, io) {
    const h = requireHousehold(ctx, checkId('household', positionals[0], this.usage));
    const plan = ctx.store.planErase(h.id);
    const what = `${plan.nodes.length} node(s), ${plan.readings} raw readings, ${plan.rollups} rollups, ${plan.rejections} rejections`;
    if (values.yes !== true) {
      if (!io.confirm)
        throw new CommandError(`erasing cannot be undone: confirm with "household erase ${h.id} --yes"`);
      io.out(`This erases ${h.kind} ${h.id} ("${h.name}") for good: ${what}.`);
      if (!(await io.confirm(`Erase ${h.id}?`))) {
        io.out('nothing erased.');
        return 1;
      }
    }
    // revoke first: no node of the household may publish while, or after, its data goes
    for (const n of plan.nodes) {
      if (ctx.registry.node(n)?.revoked_at === null) ctx.registry.revoke(n);
      ctx.disconnectNode(n);
    }
    await drainIngest(ctx);
    const series = plan.nodes.flatMap((n) =>
      ctx.registry.sensorsOf(n).map((s) => ({ node: n, sensor: s.sensor })),
    );
    const copies = findExportCopies(ctx.dataDir, h.id, plan.nodes);
    await ctx.store.erase(h.id);
    audit(ctx, io, `erase household ${h.id}: ${what}`);
    io.out(`${h.kind} ${h.id} erased: ${what}.`);
    for (const line of (await ctx.withdrawHousehold?.({ series })) ?? []) io.out(`  ${line}`);
    for (const f of copies.own) fs.rmSync(f, { force: true });
    if (copies.own.length > 0)
      io.out(`  its own exports removed: ${copies.own.map((f) => path.relative(ctx.dataDir, f)).join(', ')}`);
    reportOpenData(io, ctx.dataDir, copies.openData);
    io.out(
      'Collective figures already published keep its anonymous share (they passed the privacy rule; taking it out would publish it as a difference); new ones no longer count it.',
    );
    io.out(
      `Backups made before now still hold it: the daily ones in ${path.join(ctx.dataDir, 'backups')} are replaced within a week; delete any other copy by hand.`,
    );
    return 0;
  },
};

export const householdExport: Command = {
  name: 'household export',
  usage: 'household export ID',
  summary: "export all of a household's data to CSV files in the data directory (for the household)",
  async run(ctx, { positionals }, io) {
    const h = requireHousehold(ctx, checkId('household', positionals[0], this.usage));
    const sensors = ctx.registry
      .listNodes()
      .filter((n) => n.household_id === h.id)
      .flatMap((n) => ctx.registry.sensorsOf(n.id));
    const now = ctx.now();
    const readingsFile = exportFile(ctx.dataDir, `household-${h.id}-readings`, now);
    const rollupsFile = exportFile(ctx.dataDir, `household-${h.id}-rollups`, now);
    const readings = await ctx.store.writeReadingsCsv(sensors, readingsFile, {
      from: 0,
      to: now + 1,
    });
    const rollups = await ctx.store.writeRollupsCsv(sensors, rollupsFile);
    audit(ctx, io, `household export ${h.id}`);
    io.out(`${h.id}: ${sensors.length} series exported.`);
    io.out(`  ${readings} raw readings  -> ${path.relative(ctx.dataDir, readingsFile)}`);
    io.out(`  ${rollups} rollups       -> ${path.relative(ctx.dataDir, rollupsFile)}`);
    io.out(`Files are in ${ctx.dataDir}, readable by the hub's user only: hand them to the household.`);
    return 0;
  },
};
