import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, schemaVersion } from '../src/store/db.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';

describe('opening the database', () => {
  it('creates a WAL database with small pages (less SD-card wear) and every migration applied', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-db-'));
    const db = openDb({ file: path.join(dir, 'communs.db') });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('page_size', { simple: true })).toBe(1024);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(8000);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
    // reopening applies nothing twice
    const again = openDb({ file: path.join(dir, 'communs.db') });
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
