import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A phone held upright: tables become lists of cards below this width. */
export const NARROW = '(max-width: 40rem)';

/**
 * Follows a media query for its host (`matches`), re-rendering it when the answer changes: a phone
 * turned sideways, a window resized, a dark preference switched on.
 */
export class MediaController implements ReactiveController {
  matches = false;
  private list: MediaQueryList | null = null;
  private readonly onChange = (e: MediaQueryListEvent) => {
    this.matches = e.matches;
    this.host.requestUpdate();
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly query: string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (typeof matchMedia !== 'function') return;
    this.list = matchMedia(this.query);
    this.matches = this.list.matches;
    this.list.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.list?.removeEventListener('change', this.onChange);
    this.list = null;
  }
}
