import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LOCALE_CHANGED } from '../i18n/localize.ts';

/** Re-renders its host when the language changes; every element with text adds one. */
export class LocaleController implements ReactiveController {
  private readonly onChange = () => this.host.requestUpdate();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener(LOCALE_CHANGED, this.onChange);
  }

  hostDisconnected(): void {
    window.removeEventListener(LOCALE_CHANGED, this.onChange);
  }
}
