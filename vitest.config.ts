import { defineConfig } from 'vitest/config';

// One runner for every room. Tests that talk to real brokers, SQLite and pseudo-terminals run in
// forked processes; the 2-core machines this runs on get two workers.
// The reliability tests (kill -9 loops, overload, reconnect storms) saturate both cores on purpose:
// they run as a second group, after the others, so browser and timing tests never share the CPU
// with them.
const RELIABILITY = 'tests/reliability/**/*.test.ts';
// The browser tests measure what a resident sees within seconds: they run between the two other
// groups, two files at once (each a hub and a Chromium), as the rooms do; none asserts a timing.
const BROWSER = [
  'tests/e2e/dashboard.test.ts',
  'tests/e2e/dashboard-residents.test.ts',
  'tests/e2e/money.test.ts',
  'tests/e2e/together.test.ts',
  'tests/e2e/report.test.ts',
];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // a hub started by a test as root would take NTP's port 123 on the machine: tests never take a
    // fixed port (hub/test/sntp.test.ts binds it inside a network namespace of its own)
    env: { COMMUNS_NTP_PORT: 'off' },
    projects: [
      {
        extends: true,
        test: {
          name: 'rooms',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', RELIABILITY, ...BROWSER],
        },
      },
      {
        extends: true,
        test: { name: 'browser', include: BROWSER, sequence: { groupOrder: 1 } },
      },
      { extends: true, test: { name: 'reliability', include: [RELIABILITY], sequence: { groupOrder: 2 } } },
    ],
  },
});
