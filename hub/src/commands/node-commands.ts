import { audit, type Command, CommandError } from './command.ts';
import { formatTime } from './format.ts';
import { checkId, registryCall, registryTask } from './registry-commands.ts';

export const nodeRename: Command = {
  name: 'node rename',
  usage: 'node rename ID "NEW NAME"',
  summary: 'give a node a readable name',
  run(ctx, { positionals }, io) {
    const id = checkId('node', positionals[0], this.usage);
    const name = positionals[1]?.trim();
    if (!name) throw new CommandError(`missing the new name — usage: ${this.usage}`);
    if (name.length > 80) throw new CommandError(`name is ${name.length} characters: keep it under 80`);
    registryCall(() => ctx.registry.updateNode(id, { name }));
    audit(ctx, io, `node rename ${id} "${name}"`);
    io.out(`node ${id} is now called "${name}".`);
    return 0;
  },
};

export const nodeMove: Command = {
  name: 'node move',
  usage: 'node move ID HOUSEHOLD|none',
  summary: 'attach a node to another household or place (none: detach it)',
  run(ctx, { positionals }, io) {
    const id = checkId('node', positionals[0], this.usage);
    const target = positionals[1];
    if (!target) throw new CommandError(`missing the household — usage: ${this.usage}`);
    const household = target === 'none' ? null : checkId('household', target, this.usage);
    registryCall(() => ctx.registry.updateNode(id, { household_id: household }));
    audit(ctx, io, `node move ${id} ${household ?? 'none'}`);
    io.out(household ? `node ${id} now belongs to ${household}.` : `node ${id} belongs to no household now.`);
    // a node's stored series move with it: the new household's private link will show them
    io.out('Its stored history moves with it: export or erase it first if it belongs to someone else.');
    return 0;
  },
};

export const nodeRotate: Command = {
  name: 'node rotate',
  usage: 'node rotate ID',
  summary: 'give a node a new secret (prints it once; the old one stops working)',
  async run(ctx, { positionals }, io) {
    const id = checkId('node', positionals[0], this.usage);
    const secret = await registryTask(() => ctx.registry.rotateSecret(id));
    const cut = ctx.disconnectNode(id);
    audit(ctx, io, `node rotate ${id}`);
    io.out(`node ${id} has a new secret${cut ? ` (${cut} connection(s) with the old one closed)` : ''}.`);
    io.out(`  MQTT username: ${id}`);
    io.out(`  MQTT password: ${secret}`);
    io.out('This secret is shown once and stored only as a hash: copy it into the node config now.');
    return 0;
  },
};

export const nodeRevoke: Command = {
  name: 'node revoke',
  usage: 'node revoke ID',
  summary: 'revoke a node: its secret stops working and it is disconnected at once',
  run(ctx, { positionals }, io) {
    const id = checkId('node', positionals[0], this.usage);
    const row = ctx.registry.node(id);
    if (row?.revoked_at != null) {
      io.out(`node ${id} was revoked already (${formatTime(row.revoked_at)}).`);
      ctx.disconnectNode(id);
      return 0;
    }
    registryCall(() => ctx.registry.revoke(id));
    const cut = ctx.disconnectNode(id);
    audit(ctx, io, `node revoke ${id}`);
    io.out(`node ${id} revoked; ${cut} connection(s) closed. "node rotate ${id}" gives it a new secret.`);
    return 0;
  },
};

export const nodeRejections: Command = {
  name: 'node rejections',
  usage: 'node rejections ID [--limit N]',
  summary: "a node's last rejected messages, with the reason, and counts by reason",
  options: { limit: { type: 'string' } },
  run(ctx, { positionals, values }, io) {
    const id = checkId('node', positionals[0], this.usage);
    const row = ctx.registry.node(id);
    if (!row) throw new CommandError(`no node "${id}": see "node list"`);
    const limit = Number(values.limit ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw new CommandError(`--limit must be a whole number from 1 to 100, got "${values.limit}"`);
    const counts = ctx.store.rejections.countsOf(id);
    if (counts.length === 0) {
      io.out(`node ${id}: no rejected message (${row.accepted} accepted).`);
      return 0;
    }
    io.out(`node ${id}: ${row.rejected} rejected, ${row.accepted} accepted. By reason:`);
    for (const c of counts) io.out(`  ${c.reason.padEnd(20)} ${String(c.count).padStart(8)}`);
    const last = ctx.store.rejections.lastOf(id, limit);
    io.out(`Last ${last.length} (newest first):`);
    for (const r of last) io.out(`  ${formatTime(r.ts)}  ${r.reason.padEnd(16)} ${r.detail.slice(0, 160)}`);
    return 0;
  },
};
