import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Node secrets and household link tokens: random, shown once, stored only as a scrypt hash
 * (`scrypt$N$r$p$salt$hash`, base64url). scrypt's cost is the point: a stolen database does not
 * give away the secrets. N = 2^14 keeps one check near 30 ms on a Raspberry Pi 4. Always the
 * asynchronous scrypt, never the blocking one: 30 ms of a frozen event loop delays every node's
 * acknowledgement. The hub calls these through its one queue (scrypt-queue.ts).
 */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;

/**
 * A random secret in base64url. It never starts with "-" or "_": a secret typed after a flag
 * (`--password -x…`) would otherwise be read as another flag, one time in 32.
 */
export function newSecret(bytes = 24): string {
  for (;;) {
    const secret = randomBytes(bytes).toString('base64url');
    if (/^[A-Za-z0-9]/.test(secret)) return secret;
  }
}

export function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LEN, { N, r: R, p: P }, (err, key) => {
      if (err) reject(err);
      else resolve(['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$'));
    });
  });
}

export function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [algo, n, r, p, salt, key] = stored.split('$');
  if (algo !== 'scrypt' || !salt || !key) return Promise.resolve(false);
  const expected = Buffer.from(key, 'base64url');
  return new Promise((resolve) => {
    scrypt(
      secret,
      Buffer.from(salt, 'base64url'),
      expected.length,
      { N: Number(n), r: Number(r), p: Number(p) },
      (err, derived) => resolve(!err && timingSafeEqual(derived, expected)),
    );
  });
}

/** A fast digest for the in-memory cache of secrets already verified (never stored on disk). */
export function quickDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
