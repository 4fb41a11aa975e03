/**
 * Turns the figures the reliability tests wrote (tests/reliability/figures/*.json) into the table of
 * docs/RELIABILITY.md. Run by `npm run reliability:report` (CI forms) and `npm run soak` (long forms).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIGURES_DIR, type Figure } from './support/figures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'docs/RELIABILITY.md');

type Row = Figure & { id: string; form: 'ci' | 'soak'; at: string };

const rows: Row[] = fs
  .readdirSync(FIGURES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(FIGURES_DIR, f), 'utf8')) as Row)
  .sort((a, b) => Number.parseInt(a.item, 10) - Number.parseInt(b.item, 10) || a.form.localeCompare(b.form));

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const table = [
  '| promise | form | what was tried | what was lost | run |',
  '|---|---|---|---|---|',
  ...rows.map(
    (r) => `| ${cell(r.item)} | ${r.form} | ${cell(r.tried)} | ${cell(r.lost)} | ${r.at.slice(0, 10)} |`,
  ),
].join('\n');

const doc = `# Reliability and security: the figures

Communs promises to keep working, to lose no reading it has acknowledged, and to let no one see or
write what is not theirs. Each promise below is a test that runs in CI in a short form
(\`npm test\`) and in a long form (\`npm run soak\`). This file is generated from the figures the tests
write: \`npm run reliability:report\` reruns the CI forms and rewrites it; do not edit the table by hand.

"Lost" counts what a node was told was stored (a QoS 1 PUBACK) and is not in the database afterwards.
It is nothing in every row but one: a database damaged beyond use is replaced by its last backup, so
readings acknowledged after that backup stay in the damaged file kept aside (they come back only
from nodes that still hold them). Backups are daily, and taken a few seconds after every start.

${table}

## How the faults are made
| fault | how | test |
|---|---|---|
| power cut | \`kill -9\` of the real \`communs hub\` process (\`node bin/communs.js hub\`), at a random moment under load | \`tests/reliability/crash-under-load.test.ts\` |
| hub away | the hub stopped and restarted on the same ports while node agents (firmware/agent) keep sampling into their disk queues | \`hub-outage.test.ts\` |
| damaged database | \`communs.db\` overwritten with random bytes between two starts | \`corrupt-database.test.ts\` |
| full disk | the data directory on a 2 MB tmpfs (\`mount -t tmpfs -o size=2m\`), filled to the last byte; skipped with a printed reason where mounting is not allowed | \`disk-full.test.ts\` |
| reconnect storm | 500 client sockets destroyed at once, mqtt.js reconnecting after 500 ms without jitter | \`reconnect-storm.test.ts\` |
| frozen reader | a client with a 4 KB receive buffer that never reads (a Python socket: Node cannot set SO_RCVBUF, and loopback autotuning otherwise absorbs 32 MB) | \`frozen-consumer.test.ts\` |
| overload | offered QoS 1 rate doubled every step until the acknowledged rate falls behind, plus a QoS 0 flooder | \`overload.test.ts\` |
| malformed MQTT | 33 hand-written packets (tests/reliability/support/mqtt-corpus.ts) and a seeded fuzzer (\`COMMUNS_FUZZ_SEED\`) over raw sockets | \`mqtt-bad-input.test.ts\` |
| bad payloads, clock steps | one message per kind of bad input; the hub clock injected (\`HubOptions.now\`) and stepped ±1 h | \`payload-and-time.test.ts\` |
| bad HTTP | raw requests (no client normalises the path), 20 MB bodies, 100 slowloris sockets | \`http-bad-input.test.ts\` |
| intruders | anonymous, wrong and revoked secrets, foreign topics, \`#\`, 100 bad logins/s from 127.0.0.2, private links missing/wrong/revoked | \`access.test.ts\` |
| guessing flood | wrong-secret \`POST /data.php\` from another process, 64 at a time from 200 loopback addresses (so the per-address throttle lets each try), while a node publishes QoS 1 readings one at a time; the hub's scrypt calls counted by wrapping \`crypto.scrypt\` in its process | \`login-flood.test.ts\` |
| phoning home | \`net.Socket.prototype.connect\`, UDP send and DNS lookup hooked by a preload in the hub process, and its sockets read from /proc | \`no-outbound.test.ts\` |

The serial console's garbage and long-line tests (item 11) belong to the console and live with it.

## What the hub does about it
- **Automatic backup**: a consistent online copy (SQLite backup API) in \`<data>/backups/auto-<time>.db\`
  a few seconds after each start and then daily; the last 7 are kept; owner-only (0600). Secrets
  are scrypt hashes in it, never in clear (checked by grepping the file).
- **Damaged database at start**: SQLite's \`quick_check\` (or SQLITE_NOTADB/CORRUPT on open) moves the
  file and its WAL aside as \`corrupt-<time>.db\`, the newest backup that passes the check is
  restored, and a notice shows on \`/api/health\` (dashboard) and the console \`status\`. Readings
  acknowledged after that backup are in the file kept aside, not in the restored database; nodes
  that still have them queued resend them.
- **Full disk**: a commit that fails acknowledges nothing (the connections are closed, nodes resend);
  a notice shows until a commit succeeds again, which happens by itself once space is freed.
- **Login throttling**: one throttle for MQTT (TCP and WebSocket) and \`POST /data.php\`: more than
  5 failed logins in a second from one address block that address for 30 s on both, without
  spending scrypt on it (MQTT CONNACK 4, HTTP \`429\` with \`Retry-After\`); a node or sensor whose
  secret already passed still gets in.
- **Password checks**: every scrypt of the hub (MQTT and \`/data.php\` logins, private links, and
  the console's \`node add\`/\`rotate\`/\`household link\`, which no longer block the event loop)
  goes through one queue, one at a time, with at most 32 checks waiting; past that a login is
  refused at once (MQTT CONNACK 3, HTTP \`503\` with \`Retry-After: 5\`) and tries again; the
  console's hashes go first. Why: scrypt runs in libuv's thread pool (4 threads), where the disk
  writes and syncs that release every PUBACK run too (the WAL sync then, the commit log now).
  Measured on the code before the queue (same test, same machine, shared by other jobs): 64
  guesses in flight put 64 scrypts in the pool at once and one PUBACK waited 9.4 s against a
  baseline p95 of 40 ms. With the queue: the row above (the flood's PUBACK times stay within a few
  scrypts of the baseline; the test fails past 10 × baseline p95 + 4 scrypts). The price: logins
  that need a check are served one after the other, so 200 nodes reconnecting after a restart wait
  up to 200 checks (~6 s at 30 ms on a Raspberry Pi 4); those past the 32 waiting retry.
- **Files**: the data dir is 0700; \`communs.db\`, its WAL and shared-memory files, the commit log
  \`ingest.log\` and every backup 0600, from creation and whatever the umask; a hub that finds them
  wider narrows them at start and logs it.
- **Slow and frozen clients**: HTTP connections are swept every second, so \`headersTimeout\` (10 s)
  really drops slowloris sockets; an SSE client past 256 KB of unsent data skips events, and one
  that has not drained for 20 s is closed; MQTT subscribers that do not drain for 20 s are closed
  (aedes \`drainTimeout\`).
- **Backpressure**: aedes reads a connection's next chunk only after the last chunk's publishes are
  through the group commit, so a flood slows its sender down over TCP instead of filling memory.
`;

fs.writeFileSync(OUT, doc);
console.log(`wrote ${path.relative(ROOT, OUT)} (${rows.length} rows)`);
