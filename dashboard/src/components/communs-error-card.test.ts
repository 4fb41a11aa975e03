// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { ApiError } from '../data/http.ts';
import './communs-error-card.ts';
import { settle, visibleText } from '../testing/element-test-kit.ts';

async function card(error: unknown): Promise<HTMLElement> {
  const el = document.createElement('communs-error-card');
  el.error = error;
  document.body.append(el);
  await settle(el);
  return el;
}

describe('communs-error-card', () => {
  it("shows the hub's own sentence for a 404, so the resident reads what is wrong", async () => {
    const el = await card(new ApiError(404, 'unknown or revoked link'));
    expect(visibleText(el)).toContain('unknown or revoked link');
    expect(el.shadowRoot?.querySelector('[role="alert"]')).not.toBeNull();
  });

  it('says the hub cannot be reached when the network failed', async () => {
    const el = await card(new ApiError(0, 'network'));
    expect(visibleText(el)).toContain('The hub cannot be reached right now.');
  });

  it('on the shared screen, where no one can press a button, says it reconnects by itself', async () => {
    const el = document.createElement('communs-error-card');
    el.error = new ApiError(0, 'network');
    el.unattended = true;
    document.body.append(el);
    await settle(el);
    expect(visibleText(el)).toContain('Waiting for the hub: reconnecting by itself.');
    expect(el.shadowRoot?.querySelector('button')).toBeNull();
    expect(el.shadowRoot?.querySelector('[role="alert"]')).toBeNull();
  });

  it('asks its parent to retry when the button is pressed', async () => {
    const el = await card(new ApiError(500, 'boom'));
    let retried = 0;
    el.addEventListener('retry', () => retried++);
    el.shadowRoot?.querySelector('button')?.click();
    expect(retried).toBe(1);
  });
});
