import { defineConfig } from 'vitest/config';

// One runner for every room. Tests that talk to real brokers, SQLite and pseudo-terminals run in
// forked processes; the 2-core machines this runs on get two workers.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
