import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type LiveHandlers, type LiveState, subscribeLive } from '../data/live.ts';

/** Fired (bubbling, across shadow roots) by a host whose live stream changes state; detail: LiveState. */
export const LIVE_STATE_EVENT = 'communs-live-state';

/**
 * Binds a live subscription to an element's life: subscribed while connected, unsubscribed when
 * removed. The host reads `state` to show the "reconnecting" mark; an ancestor (the shared screen)
 * hears every change as a LIVE_STATE_EVENT to dim the figures during an outage.
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
        if (this.host instanceof HTMLElement) {
          this.host.dispatchEvent(
            new CustomEvent(LIVE_STATE_EVENT, { detail: state, bubbles: true, composed: true }),
          );
        }
      },
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
