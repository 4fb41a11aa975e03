// @vitest-environment happy-dom
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoadController } from './load-controller.ts';

class Host implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  updates = 0;
  addController(c: ReactiveController): void {
    this.controllers.push(c);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates++;
  }
  get updateComplete(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LoadController', () => {
  it('loads when the element connects and keeps the value', async () => {
    const host = new Host();
    const ctl = new LoadController(host, async () => 42);
    ctl.hostConnected();
    await vi.runAllTicks();
    await Promise.resolve();
    expect(ctl.value).toBe(42);
    expect(ctl.pending).toBe(false);
  });

  it('retries by itself after an error, and keeps the last good value meanwhile', async () => {
    const host = new Host();
    let calls = 0;
    const ctl = new LoadController(
      host,
      async () => {
        calls++;
        if (calls === 2) throw new Error('hub restarting');
        return calls;
      },
      { retryMs: 1000, refreshMs: 5000 },
    );
    await ctl.run();
    expect(ctl.value).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(ctl.error).toBeInstanceOf(Error);
    expect(ctl.value).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(3);
    expect(ctl.value).toBe(3);
    expect(ctl.error).toBeUndefined();
  });

  it('stops loading once the element has left the page', async () => {
    const host = new Host();
    let calls = 0;
    let release: (v: number) => void = () => {};
    const task = () =>
      new Promise<number>((resolve) => {
        release = resolve;
        calls++;
      });
    const ctl = new LoadController(host, task, { refreshMs: 1000 });
    const running = ctl.run();
    ctl.hostDisconnected();
    release(7);
    await running;
    expect(ctl.value).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
  });
});

describe('LoadController on the shared screen', () => {
  it('renders an error as a quiet "reconnecting by itself" card without a button when its host is a kiosk view', async () => {
    vi.useRealTimers();
    const { html, render } = await import('lit');
    const host = Object.assign(new Host(), { kiosk: true });
    const ctl = new LoadController(host, async () => {
      throw new Error('hub down');
    });
    ctl.hostConnected();
    await new Promise((r) => setTimeout(r, 0));
    const root = document.createElement('div');
    render(html`${ctl.render(() => html`value`)}`, root);
    const card = root.querySelector('communs-error-card');
    expect(card?.unattended).toBe(true);
    ctl.hostDisconnected();
  });
});
