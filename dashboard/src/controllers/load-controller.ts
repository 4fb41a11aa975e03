import {
  html,
  type nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from 'lit';
import '../components/communs-error-card.ts';
import { msg } from '../i18n/localize.ts';

export interface LoadOptions {
  /** retry a failed load after this delay (the hub may be restarting); 0 disables */
  retryMs?: number;
  /** reload periodically even after success (figures that drift, a kiosk left alone) */
  refreshMs?: number;
}

/**
 * One fetch bound to an element: runs when the element connects (and on `run()`), aborts when it
 * disconnects, retries after an error, and keeps the last good value while a reload is under way or
 * failed, so a shared screen never goes blank because the hub restarted.
 */
export class LoadController<T> implements ReactiveController {
  value: T | undefined;
  error: unknown = undefined;
  pending = false;
  private abort: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly task: (signal: AbortSignal) => Promise<T>,
    private readonly options: LoadOptions = {},
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.run();
  }

  hostDisconnected(): void {
    this.abort?.abort();
    this.abort = null;
    this.clearTimer();
  }

  async run(): Promise<void> {
    this.abort?.abort();
    this.clearTimer();
    const abort = new AbortController();
    this.abort = abort;
    this.pending = true;
    this.host.requestUpdate();
    let next: number | undefined;
    try {
      const value = await this.task(abort.signal);
      // superseded by a newer run, or the element left the page: its answer no longer matters
      if (this.abort !== abort) return;
      this.value = value;
      this.error = undefined;
      next = this.options.refreshMs;
    } catch (err) {
      if (this.abort !== abort) return;
      this.error = err;
      next = this.options.retryMs ?? 15_000;
    }
    this.pending = false;
    if (next) this.timer = setTimeout(() => void this.run(), next);
    this.host.requestUpdate();
  }

  /**
   * Renders the value, or an error card when there is none, or a quiet loading line. A host whose
   * `kiosk` property is true is on the shared screen: its error card has no button (no pointer
   * there) and says the screen reconnects by itself, which the retry above does.
   */
  render(fn: (value: T) => TemplateResult | typeof nothing): TemplateResult | typeof nothing {
    if (this.value !== undefined) return fn(this.value);
    if (this.error !== undefined) {
      const unattended = (this.host as { kiosk?: unknown }).kiosk === true;
      return html`<communs-error-card
        .error=${this.error}
        ?unattended=${unattended}
        @retry=${() => void this.run()}
      ></communs-error-card>`;
    }
    return html`<p class="muted" role="status">${msg('loading')}</p>`;
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
