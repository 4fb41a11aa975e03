import type { Db } from './db.ts';
import { ScryptQueue } from './scrypt-queue.ts';
import { newSecret, quickDigest } from './secrets.ts';

/** 9 random bytes → 12 base64url characters: the public lookup key of a link. */
const SELECTOR_BYTES = 9;
const SELECTOR_CHARS = 12;
/** 24 random bytes → 32 characters: the secret part, 192 bits, stored only as a scrypt hash. */
const SECRET_BYTES = 24;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{44}$/;
/** Digests of tokens already verified, so a resident's dashboard polling does not cost a scrypt each. */
const CACHE_MAX = 1000;

export interface LinkInfo {
  householdId: string;
  createdAt: number;
}

/**
 * A household's private link (docs/PRIVACY.md): a capability token `<selector><secret>`.
 * The selector finds the row without revealing anything; the secret is checked against its scrypt
 * hash with a constant-time comparison (secrets.ts). One active link a household: issuing a new one
 * revokes the old. A wrong, malformed or revoked token resolves to undefined, like no token.
 */
export class HouseholdLinks {
  private readonly db: Db;
  private readonly now: () => number;
  /** token digest → the token hash it matched; valid only while the row still holds that hash */
  private readonly verified = new Map<string, string>();
  private dummyHash: Promise<string> | undefined;
  private readonly scrypt: ScryptQueue;

  /** `scrypt`: the hub's one queue of password work (shared with the registry) */
  constructor(opts: { db: Db; now?: () => number; scrypt?: ScryptQueue }) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    this.scrypt = opts.scrypt ?? new ScryptQueue();
  }

  /** Issues a new link for the household (revoking any previous one); the token exists only here. */
  async issue(householdId: string): Promise<string> {
    const selector = newSecret(SELECTOR_BYTES);
    const secret = newSecret(SECRET_BYTES);
    const tokenHash = await this.scrypt.hash(secret);
    this.db
      .prepare(
        `INSERT INTO household_links (household_id, selector, token_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (household_id) DO UPDATE SET selector = excluded.selector, token_hash = excluded.token_hash, created_at = excluded.created_at`,
      )
      .run(householdId, selector, tokenHash, this.now());
    return `${selector}${secret}`;
  }

  /** Revokes the household's link; false when it had none. */
  revoke(householdId: string): boolean {
    return this.db.prepare('DELETE FROM household_links WHERE household_id = ?').run(householdId).changes > 0;
  }

  info(householdId: string): LinkInfo | undefined {
    const row = this.db
      .prepare('SELECT household_id, created_at FROM household_links WHERE household_id = ?')
      .get(householdId) as { household_id: string; created_at: number } | undefined;
    return row && { householdId: row.household_id, createdAt: row.created_at };
  }

  /**
   * The household a token opens, or undefined for no, a malformed, a wrong or a revoked token.
   * Rejects with ScryptBusy when too many checks wait already (scrypt-queue.ts).
   */
  async resolve(token: string | null | undefined): Promise<string | undefined> {
    if (!token || !TOKEN_PATTERN.test(token)) return undefined;
    const selector = token.slice(0, SELECTOR_CHARS);
    const secret = token.slice(SELECTOR_CHARS);
    const row = this.row(selector);
    if (!row) {
      // an unknown selector costs the same scrypt as a known one: timing tells nothing
      await this.scrypt.verify(secret, await this.dummy());
      return undefined;
    }
    const digest = quickDigest(token);
    if (this.verified.get(digest) === row.token_hash) return row.household_id;
    const ok = await this.scrypt.verify(secret, row.token_hash);
    // the link may have been revoked or reissued while scrypt ran
    const now = this.row(selector);
    if (!ok || !now || now.token_hash !== row.token_hash) return undefined;
    if (this.verified.size >= CACHE_MAX) this.verified.clear();
    this.verified.set(digest, row.token_hash);
    return row.household_id;
  }

  private row(selector: string): { household_id: string; token_hash: string } | undefined {
    return this.db
      .prepare('SELECT household_id, token_hash FROM household_links WHERE selector = ?')
      .get(selector) as { household_id: string; token_hash: string } | undefined;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.scrypt.hash(newSecret(SECRET_BYTES));
    return this.dummyHash;
  }
}
