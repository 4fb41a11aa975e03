import { buildIdFromHtml } from '../model/build-id.ts';

/** The build the hub serves now, or null when it cannot say (down, not built). */
export async function fetchServedBuild(signal?: AbortSignal): Promise<string | null> {
  try {
    const res = await fetch('/', { cache: 'no-store', signal });
    return res.ok ? buildIdFromHtml(await res.text()) : null;
  } catch {
    return null;
  }
}

/** The build this page runs. */
export function runningBuild(): string | null {
  const script = document.querySelector<HTMLScriptElement>('script[type="module"][src]');
  return script ? new URL(script.src).pathname : null;
}
