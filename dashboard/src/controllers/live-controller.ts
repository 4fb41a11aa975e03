import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type LiveHandlers, type LiveState, subscribeLive } from '../data/live.ts';

/**
 * Binds a live subscription to an element's life: subscribed while connected, unsubscribed when
 * removed (a rotating kiosk view leaves no stream behind). The host reads `state` to show the
 * "reconnecting" mark.
 */
export class LiveController implements ReactiveController {
  state: LiveState = 'connecting';
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly handlers: Omit<LiveHandlers, 'state'>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribe = subscribeLive({
      ...this.handlers,
      state: (state) => {
        this.state = state;
        this.host.requestUpdate();
      },
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
