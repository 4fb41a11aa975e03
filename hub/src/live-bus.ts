import { EventEmitter } from 'node:events';
import type { LiveAggregate, LiveNode, LiveReading } from '../../protocol/index.ts';

export interface LiveEvents {
  reading: LiveReading & { sensorId: number };
  aggregate: LiveAggregate;
  node: LiveNode;
}

/**
 * The hub's in-process event bus. A listener that throws is logged and skipped: a broken SSE
 * client or MQTT republisher must never take ingest down with it.
 */
export class LiveBus {
  private readonly emitter = new EventEmitter();
  private readonly log: (line: string) => void;

  constructor(opts: { log?: (line: string) => void } = {}) {
    this.log = opts.log ?? (() => {});
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof LiveEvents>(event: K, listener: (payload: LiveEvents[K]) => void): () => void {
    const safe = (payload: LiveEvents[K]) => {
      try {
        listener(payload);
      } catch (err) {
        this.log(`live listener for "${event}" failed: ${(err as Error).message}`);
      }
    };
    this.emitter.on(event, safe);
    return () => this.emitter.off(event, safe);
  }

  emit<K extends keyof LiveEvents>(event: K, payload: LiveEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  listenerCount(event: keyof LiveEvents): number {
    return this.emitter.listenerCount(event);
  }
}
