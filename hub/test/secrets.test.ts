import { describe, expect, it } from 'vitest';
import { hashSecret, newSecret, verifySecret } from '../src/store/secrets.ts';

describe('secrets', () => {
  it('never start with "-" or "_", so they can follow a flag on a command line', () => {
    for (let i = 0; i < 2000; i++) expect(newSecret()).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{31}$/);
  });

  it('are stored as a scrypt hash that verifies the secret and nothing else', async () => {
    const secret = newSecret();
    const pending = hashSecret(secret);
    // the asynchronous scrypt: hashing never freezes the event loop
    expect(pending).toBeInstanceOf(Promise);
    const stored = await pending;
    expect(stored).not.toContain(secret);
    expect(stored.startsWith('scrypt$')).toBe(true);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(`${secret}x`, stored)).toBe(false);
  });
});
