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
  .sort(
    (a, b) =>
      Number.parseInt(a.item, 10) - Number.parseInt(b.item, 10) ||
      a.item.localeCompare(b.item) ||
      a.form.localeCompare(b.form),
  );

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const table = [
  '| promise | form | what was tried | what was lost | run |',
  '|---|---|---|---|---|',
  ...rows.map(
    (r) => `| ${cell(r.item)} | ${r.form} | ${cell(r.tried)} | ${cell(r.lost)} | ${r.at.slice(0, 10)} |`,
  ),
].join('\n');

/** The power-cut figures in a sentence per form, from the rows of the three power-cut tests. */
function powerCutFigures(): string {
  const lines: string[] = [];
  for (const form of ['ci', 'soak'] as const) {
    const get = (id: string) => rows.find((r) => r.id === id && r.form === form)?.figures;
    const hub = get('power-cut');
    if (!hub) continue;
    const broken = get('power-cut-ack-before-sync');
    const kill = get('power-cut-kill-only');
    lines.push(
      `- ${form}: ${hub.cuts} cuts, ${hub.produced} readings, ${hub.acked} acknowledged, **${hub.lost} lost**, integrity_check ok ${hub.integrityOk}/${hub.checks}, ${hub.gaps} gaps after replay` +
        (broken
          ? `; the broken hub: ${broken.lost} acknowledged readings lost after ${broken.cuts} cut(s)`
          : '') +
        (kill
          ? `; the same broken hub under kill -9 alone: ${kill.lost} lost of ${kill.acked} in ${kill.cuts} kills`
          : '') +
        '.',
    );
  }
  return lines.length > 0
    ? lines.join('\n')
    : '- none recorded yet: `npm run reliability:report` runs the CI form.';
}

const doc = `# Reliability and security: the figures

Communs promises to keep working, to lose no reading it has acknowledged, and to let no one see or
write what is not theirs. Each promise below is a test that runs in CI in a short form
(\`npm test\`) and in a long form (\`npm run soak\`). This file is generated from the figures the tests
write: \`npm run reliability:report\` reruns the CI forms and rewrites it; do not edit the table by hand.

"Lost" counts what a node was told was stored (a QoS 1 PUBACK) and is not in the database afterwards.
It is nothing in every row but two. A database damaged beyond use is replaced by its last backup, so
readings acknowledged after that backup stay in the damaged file kept aside (they come back only
from nodes that still hold them); backups are daily, and taken a few seconds after every start.
And the hub broken on purpose must lose readings, to show the power-cut test would see it.

${table}

## How the faults are made
| fault | how | test |
|---|---|---|
| crash | \`kill -9\` of the real \`communs hub\` process (\`node bin/communs.js hub\`), at a random moment under load | \`tests/reliability/crash-under-load.test.ts\` |
| power cut | the same process with its data directory on a FUSE filesystem that forgets every write not synced (below): stopped, the disk's unsynced writes dropped, killed, remounted | \`power-cut.test.ts\`, the filesystem's own rules in \`power-cut-fs.test.ts\` |
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

## The power-cut filesystem
\`kill -9\` leaves the kernel's page cache alone: what the hub wrote but never synced still reaches
the disk after it dies, so a hub that acknowledges before its sync passes every kill -9 test. A power
cut takes the page cache with it. \`tests/reliability/power-cut.test.ts\` runs the real hub with its
data directory on \`tests/reliability/support/power-cut-fs.py\`, a FUSE passthrough filesystem of
~400 lines (Debian's \`fuse3\` and \`python3-fusepy\`), in the spirit of LazyFS, that can forget. Where
\`/dev/fuse\` is missing or the mount fails, the test is skipped with one line saying why.

**What it forgets at a cut.**
- *Data*: every write to a file (\`write\`, writes through \`O_DIRECT\`, mmap pages the kernel writes
  back, \`truncate\`, \`O_TRUNC\`) is held in memory in 4 KiB pages until an \`fsync\` or \`fdatasync\`
  of that file writes them, and its size, to the backing directory. Reads see held writes, as they
  would see a page cache. \`close()\` keeps nothing. A cut drops every held write.
- *Names*: create, mkdir, mknod (the console's socket), symlink, unlink, rmdir, rename, chmod and
  chown are applied at once and logged; an \`fsync\` of any directory commits the whole log, as a
  journal commit does; a cut undoes what is not committed, newest first (a removed or replaced file
  comes back, a new one goes).
- *Stricter than ext4's default (data=ordered)*: no journal commit every 5 s; a file's \`fsync\` does not
  make its new name durable, only its directory's does; a truncate lasts only with the file's own
  sync; \`close()\` after rewriting a file syncs nothing.
- *Kinder than a real disk*: a sync that returned is never torn, and no unsynced write half-survives
  (a disk may keep any subset of them, in any order); timestamps are kept. The commit log and
  SQLite's WAL are built for partial writes (checksummed records on sectors never rewritten while
  they hold one not folded; checksummed frames); the hub's promise does not depend on that kindness.

**How a cut comes.** Once every node has been acknowledged by the restarted hub, the seeded generator
(\`COMMUNS_POWER_CUT_SEED\`, default 13) picks either a moment up to 1 s later or the hub's n-th next sync
request (n ≤ 4), caught inside the filesystem before it is served: the moment where acknowledging
before or after the sync makes the difference. The hub and its children are stopped at once
(SIGSTOP: nothing more leaves the machine, so every PUBACK a node holds was sent before the cut), the
filesystem forgets and its process exits, the hub is killed (SIGKILL), the dead mount removed
(\`fusermount3 -u\`), and the backing directory mounted again for the next start.

**What is checked** after each restart, once the hub has recovered what survived and before any new
load. A reading is acknowledged once its commit's record in the commit log (\`<data>/ingest.log\`,
docs/DATA.md) is synced; SQLite gets it at the next fold, and a start applies the log's records
after the last fold again and folds them. So the test reads the database as the restarted hub left
it after that replay, never the log itself: every reading a node holds a PUBACK for is there;
\`PRAGMA integrity_check\` is "ok"; every rollup equals the aggregate of its bucket's raw readings (the
rollups held in memory at the cut came back from the log). At the end the nodes resend what was
never acknowledged, the hub stops cleanly (a stop folds) and the power is cut right after; then,
without a new start (which would apply the log again), every reading produced must be in the
database exactly once, with no sequence gap and every rollup equal to the raw readings.

**The hub broken on purpose.** With \`COMMUNS_TEST_ONLY_ACK_BEFORE_SYNC=lose-acknowledged-readings\` in its
environment (read once by \`hub/src/cli/hub-command.ts\`; no flag, and the hub says so on stderr),
\`hub/src/store/commit-log.ts\` calls back as soon as a record is written, then asks for its
\`fdatasync\` without waiting for it: each commit is acknowledged before its sync instead of after. The
same harness must find acknowledged readings missing (it does at the first cut that comes at a sync). The
same broken hub killed with \`kill -9\` alone at the same kind of moment, the disk keeping every write,
must lose nothing: that is why the filesystem is needed.

**Found with it, and fixed.** A finished backup used to be renamed into place (\`auto-….db.partial\` →
\`auto-….db\`) without an fsync of \`backups/\`: a power cut before the next directory sync brought it
back as \`.partial\` (beside a \`.partial-journal\`), and the next start deleted the \`.partial\`. On ext4
the window was the ~5 s before the journal commits; on this filesystem, until any later directory
fsync. Every backup (automatic and the console's) now goes through \`placeBackup\`
(\`hub/src/store/backup.ts\`): the copy fsynced, renamed, then \`backups/\` and its parent fsynced.
\`power-cut.test.ts\` cuts the power right after the first automatic backup and finds it under its
name, \`integrity_check\` "ok" in the \`sqlite3\` shell (it failed before the fix).

**Figures** (from the runs recorded in the table above):
${powerCutFigures()}

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
