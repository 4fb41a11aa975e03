import { MetaMessage, type NodeChannel, StatusMessage } from '../../../protocol/index.ts';
import { parseJsonPayload } from './payload.ts';
import { describeZodError, parseReadingsPayload, type Rejected } from './validate.ts';

/**
 * What every source hands to ingest (`IngestPipeline.submit`): a native node's MQTT message, a
 * foreign device's message mapped by its adapter, an airrohr HTTP post, the demo's history. It
 * carries what one message says about one node, already parsed, not yet checked against the
 * registry: that happens in the commit, in arrival order, so a sensor declared by `meta` is known
 * to the readings that follow it, and the registry changes and the readings commit together.
 */
export interface Submission {
  node: string;
  /** the node's self-description: sensors declared or updated (a native meta message, or what a device's message shows) */
  meta?: MetaMessage | undefined;
  /** online or offline, signal, battery */
  status?: StatusMessage | undefined;
  /** readings as received (each checked with the `Reading` schema in the commit) */
  readings?: readonly unknown[] | undefined;
  /** what the source found unreadable before ingest (bad JSON, a wrong schema, too large) */
  rejections?: readonly Rejected[] | undefined;
}

/** A native node's message on one of its channels, parsed with its schema. */
export function nativeSubmission(node: string, channel: NodeChannel, payload: Buffer): Submission {
  switch (channel) {
    case 'readings': {
      // fields named one by one, not spread: one hidden class for every message (pipeline.ts, commitEntry)
      const { readings, rejections } = parseReadingsPayload(payload);
      return { node, readings, rejections };
    }
    case 'meta':
      return described(node, payload, MetaMessage, (meta) => ({ meta }));
    case 'status':
      // an empty retained payload clears the retained status: nothing to apply
      if (payload.length === 0) return { node };
      return described(node, payload, StatusMessage, (status) => ({ status }));
  }
}

function described<T>(
  node: string,
  payload: Buffer,
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError };
  },
  wrap: (value: T) => Partial<Submission>,
): Submission {
  const parsed = parseJsonPayload(payload);
  if (!parsed.ok) return { node, rejections: [{ reason: 'bad_json', detail: parsed.detail }] };
  const checked = schema.safeParse(parsed.value);
  if (!checked.success)
    return { node, rejections: [{ reason: 'bad_schema', detail: describeZodError(checked.error) }] };
  return { node, ...wrap(checked.data) };
}
