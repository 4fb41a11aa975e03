import { HouseholdId, NodeId, SharingLevel } from '../../../protocol/index.ts';
import type { HubContext } from '../context.ts';
import { nodeState } from '../node-state.ts';
import { RegistryError } from '../store/registry.ts';
import { audit, type Command, CommandError } from './command.ts';

export function checkId(kind: string, id: string | undefined, usage: string): string {
  if (!id) throw new CommandError(`missing ${kind} id — usage: ${usage}`);
  const ok = (kind === 'node' ? NodeId : HouseholdId).safeParse(id);
  if (!ok.success) throw new CommandError(`${kind} id "${id}": ${ok.error.issues[0]?.message}`);
  return id;
}

export function registryCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RegistryError) throw new CommandError(err.message);
    throw err;
  }
}

/** `registryCall` for the registry's asynchronous calls (those that hash a secret). */
export async function registryTask<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RegistryError) throw new CommandError(err.message);
    throw err;
  }
}

/**
 * A starting node config for `communs node --config FILE`: the hub's MQTT address as the admin
 * reaches it (from the `publicUrl` setting, else the address the hub listens on), a serial board
 * and a kit to adapt.
 */
export function nodeConfigSnippet(ctx: HubContext, node: string, secret: string) {
  const base = new URL(ctx.baseUrl());
  const mqttPort = ctx.mqttPort?.() ?? 1883;
  return {
    node,
    secret,
    hub: `mqtt://${base.hostname}:${mqttPort}`,
    board: { type: 'serial', path: '/dev/ttyUSB0' },
    kit: 'hardware/meter-pulses/kit.json',
    queue: { dir: `./queue-${node}` },
  };
}

export const nodeAdd: Command = {
  name: 'node add',
  usage: 'node add ID [--household HOUSEHOLD] [--name "NAME"]',
  summary: 'provision a node: prints its MQTT credentials once',
  options: { household: { type: 'string' }, name: { type: 'string' } },
  async run(ctx, { positionals, values }, io) {
    const id = checkId('node', positionals[0], this.usage);
    const household = values.household as string | undefined;
    const { secret } = await registryTask(() =>
      ctx.registry.addNode({ id, name: values.name as string | undefined, household: household ?? null }),
    );
    audit(ctx, io, `node add ${id}${household ? ` --household ${household}` : ''}`);
    io.out(`node ${id} added${household ? ` to household ${household}` : ''}.`);
    io.out(`  MQTT username: ${id}`);
    io.out(`  MQTT password: ${secret}`);
    io.out('This secret is shown once and stored only as a hash: copy it into the node config now.');
    io.out('Node config snippet for `communs node --config FILE`:');
    io.out(JSON.stringify(nodeConfigSnippet(ctx, id, secret)));
    return 0;
  },
};

export const nodeList: Command = {
  name: 'node list',
  usage: 'node list',
  summary: 'nodes with state, household, last seen and counters',
  run(ctx, _args, io) {
    const rows = ctx.registry.listNodes();
    if (rows.length === 0) {
      io.out('no nodes yet: add one with "node add ID --household HOUSEHOLD"');
      return 0;
    }
    const now = ctx.now();
    io.out('NODE                 STATE    HOUSEHOLD            LAST SEEN             ACCEPTED  REJECTED');
    for (const n of rows) {
      const state = n.revoked_at !== null ? 'revoked' : nodeState(n, now);
      const seen = n.last_seen ? new Date(n.last_seen).toISOString().slice(0, 19).replace('T', ' ') : '-';
      io.out(
        `${n.id.padEnd(20)} ${state.padEnd(8)} ${(n.household_id ?? '-').padEnd(20)} ${seen.padEnd(21)} ${String(n.accepted).padStart(8)}  ${String(n.rejected).padStart(8)}`,
      );
    }
    return 0;
  },
};

export const householdAdd: Command = {
  name: 'household add',
  usage: 'household add ID "NAME" [--sharing private|community|open] [--place] [--location "STREET"]',
  summary: 'add a household (or a shared place with --place)',
  options: { sharing: { type: 'string' }, place: { type: 'boolean' }, location: { type: 'string' } },
  run(ctx, { positionals, values }, io) {
    const id = checkId('household', positionals[0], this.usage);
    const name = positionals[1];
    if (!name) throw new CommandError(`missing name — usage: ${this.usage}`);
    const sharing = SharingLevel.safeParse(values.sharing ?? 'private');
    if (!sharing.success)
      throw new CommandError(`--sharing must be private, community or open, got "${values.sharing}"`);
    registryCall(() =>
      ctx.registry.addHousehold({
        id,
        name,
        sharing: sharing.data,
        kind: values.place ? 'place' : 'household',
        location: (values.location as string | undefined) ?? null,
      }),
    );
    audit(ctx, io, `household add ${id} sharing=${sharing.data}`);
    io.out(`${values.place ? 'place' : 'household'} ${id} added, sharing ${sharing.data}.`);
    return 0;
  },
};

export const householdList: Command = {
  name: 'household list',
  usage: 'household list',
  summary: 'households and places with their sharing level',
  run(ctx: HubContext, _args, io) {
    const rows = ctx.registry.listHouseholds();
    if (rows.length === 0) io.out('no households yet: add one with "household add ID NAME"');
    for (const h of rows) {
      const nodes = ctx.registry.listNodes().filter((n) => n.household_id === h.id).length;
      io.out(
        `${h.id.padEnd(20)} ${h.kind.padEnd(9)} ${h.sharing.padEnd(9)} ${String(nodes).padStart(3)} node(s)  ${h.name}`,
      );
    }
    return 0;
  },
};
