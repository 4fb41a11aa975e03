import type { LiveAggregate, LiveNode, LiveReading } from '../../../protocol/api.ts';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveHandlers {
  reading?(event: LiveReading): void;
  aggregate?(event: LiveAggregate): void;
  node?(event: LiveNode): void;
  state?(state: LiveState): void;
  /** called after a reconnection: what happened while away must be fetched again */
  reconnected?(): void;
}

/** The part of EventSource this module uses, so tests can hand in a fake. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export interface LiveOptions {
  url?: string;
  createSource?: (url: string) => EventSourceLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  backoff?: BackoffOptions;
  random?: () => number;
}

const KINDS = ['reading', 'aggregate', 'node'] as const;
type Kind = (typeof KINDS)[number];

function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/**
 * Subscribes to the hub's live events (GET /api/live, Server-Sent Events) and returns the
 * unsubscribe function. The browser's own EventSource retry gives up for good on an HTTP error and
 * retries at a fixed pace otherwise; a shared screen must come back by itself after the hub
 * restarts, so every error closes the source and a new one is opened after an exponential backoff,
 * with the state reported as `reconnecting` meanwhile.
 *
 * Events may come named (`event: reading`) or as plain messages carrying `type`; both are accepted.
 */
export function subscribeLive(handlers: LiveHandlers, options: LiveOptions = {}): () => void {
  const url = options.url ?? '/api/live';
  const createSource = options.createSource ?? ((u: string) => new EventSource(u));
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let source: EventSourceLike | null = null;
  let timer: unknown = null;
  let attempt = 0;
  let everOpen = false;
  let stopped = false;

  const setState = (state: LiveState) => handlers.state?.(state);

  const dispatch = (kind: Kind, data: unknown) => {
    if (typeof data !== 'object' || data === null) return;
    // Listeners must not break the stream for the others: a throwing card is that card's problem.
    try {
      if (kind === 'reading') handlers.reading?.(data as LiveReading);
      else if (kind === 'aggregate') handlers.aggregate?.(data as LiveAggregate);
      else handlers.node?.(data as LiveNode);
    } catch (err) {
      console.error('communs: live handler failed', err);
    }
  };

  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  };

  const open = () => {
    timer = null;
    if (stopped) return;
    const es = createSource(url);
    source = es;
    es.addEventListener('open', () => {
      if (source !== es) return;
      const wasReconnect = everOpen;
      everOpen = true;
      attempt = 0;
      setState('live');
      if (wasReconnect) handlers.reconnected?.();
    });
    es.addEventListener('error', () => {
      if (source !== es || stopped) return;
      es.close();
      source = null;
      setState('reconnecting');
      timer = setTimer(open, backoffDelay(attempt++, options.backoff ?? DEFAULT_BACKOFF, options.random));
    });
    for (const kind of KINDS) es.addEventListener(kind, (e) => dispatch(kind, parse(e.data)));
    es.addEventListener('message', (e) => {
      const data = parse(e.data);
      const type = typeof data === 'object' && data !== null && 'type' in data ? data.type : undefined;
      if (isKind(type)) dispatch(type, data);
    });
  };

  setState('connecting');
  open();
  return () => {
    stopped = true;
    if (timer !== null) clearTimer(timer);
    source?.close();
    source = null;
  };
}
