import { vi } from 'vitest';

/**
 * What element tests need in happy-dom: answers for the hub's API by path, an inert EventSource
 * (live data is tested in data/live.test.ts), and a way to wait until an element has settled.
 */
export function stubHub(answers: Record<string, { status?: number; body: unknown }>): string[] {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (input: string) => {
    asked.push(input);
    const path = input.split('?')[0] ?? input;
    const a = answers[path] ?? { status: 404, body: { status: 'error', error: `no such endpoint ${path}` } };
    return new Response(JSON.stringify(a.body), { status: a.status ?? 200 });
  });
  vi.stubGlobal(
    'EventSource',
    class {
      addEventListener(): void {}
      close(): void {}
    },
  );
  return asked;
}

/** Lets pending fetches resolve and Lit re-render, a few rounds deep (element → child element). */
export async function settle(el: HTMLElement & { updateComplete?: Promise<unknown> }): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
  }
}

/** The text a person would read, across shadow roots. */
export function visibleText(node: Node): string {
  let text = node.nodeType === 3 ? (node.textContent ?? '') : '';
  if (node instanceof Element && node.shadowRoot) text += visibleText(node.shadowRoot);
  for (const child of node.childNodes) text += visibleText(child);
  return text.replace(/\s+/g, ' ');
}
