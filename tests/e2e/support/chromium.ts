import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Debian's Chromium with a fresh profile and the flags that keep it from calling home: a
 * persistent context in a temp dir, removed on close.
 */
export async function launchChromium(
  opts: {
    width?: number;
    height?: number;
    locale?: string;
    timezoneId?: string;
    /** lets a test inject a script (axe-core) into pages whose CSP forbids inline scripts */
    bypassCSP?: boolean;
  } = {},
): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    locale: opts.locale ?? 'en-GB',
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
    acceptDownloads: true,
    bypassCSP: opts.bypassCSP ?? false,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
