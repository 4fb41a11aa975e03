/**
 * Versioned schema migrations. `PRAGMA user_version` holds the number of migrations applied; each
 * runs in its own transaction, so a hub stopped half-way resumes cleanly. Never edit a shipped
 * migration: add the next one. docs/DATA.md describes the resulting tables for residents.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the first schema
  `
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE households (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'household' CHECK (kind IN ('household', 'place')),
    sharing    TEXT NOT NULL DEFAULT 'private' CHECK (sharing IN ('private', 'community', 'open')),
    location   TEXT,
    demo       INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE nodes (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    household_id TEXT REFERENCES households(id),
    secret_hash  TEXT NOT NULL,
    demo         INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    board        TEXT,
    firmware     TEXT,
    kit          TEXT,
    power_w      REAL,
    status       TEXT,
    status_ts    INTEGER,
    rssi         REAL,
    battery      REAL,
    last_seen    INTEGER,
    accepted     INTEGER NOT NULL DEFAULT 0,
    rejected     INTEGER NOT NULL DEFAULT 0,
    max_seq      INTEGER,
    gaps         INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE sensors (
    id            INTEGER PRIMARY KEY,
    node_id       TEXT NOT NULL REFERENCES nodes(id),
    sensor        TEXT NOT NULL,
    quantity      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    label         TEXT,
    last_total    REAL,
    last_total_ts INTEGER,
    meter_offset  REAL NOT NULL DEFAULT 0,
    UNIQUE (node_id, sensor)
  );
  CREATE TABLE readings (
    sensor_id INTEGER NOT NULL,
    ts        INTEGER NOT NULL,
    seq       INTEGER,
    value     REAL NOT NULL,
    PRIMARY KEY (sensor_id, ts)
  ) WITHOUT ROWID;
  CREATE TABLE rollups (
    sensor_id INTEGER NOT NULL,
    period    INTEGER NOT NULL,
    start     INTEGER NOT NULL,
    count     INTEGER NOT NULL,
    sum       REAL NOT NULL,
    min       REAL NOT NULL,
    max       REAL NOT NULL,
    last      REAL NOT NULL,
    last_ts   INTEGER NOT NULL,
    PRIMARY KEY (sensor_id, period, start)
  ) WITHOUT ROWID;
  CREATE TABLE rejections (
    id      INTEGER PRIMARY KEY,
    node_id TEXT NOT NULL,
    ts      INTEGER NOT NULL,
    reason  TEXT NOT NULL,
    detail  TEXT NOT NULL
  );
  CREATE INDEX rejections_node ON rejections (node_id, id);
  CREATE TABLE rejection_counts (
    node_id TEXT NOT NULL,
    reason  TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (node_id, reason)
  ) WITHOUT ROWID;
  CREATE TABLE counter_events (
    id        INTEGER PRIMARY KEY,
    sensor_id INTEGER NOT NULL,
    ts        INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('reset', 'jump', 'backwards')),
    previous  REAL,
    current   REAL
  );
  CREATE TABLE audit (
    id   INTEGER PRIMARY KEY,
    ts   INTEGER NOT NULL,
    who  TEXT NOT NULL,
    what TEXT NOT NULL
  );
  `,
  // 2: household private links: one active link a household, the token stored hashed.
  // `selector` is a public, random lookup key; the secret part is only ever kept as a scrypt hash.
  `
  CREATE TABLE household_links (
    household_id TEXT PRIMARY KEY REFERENCES households(id),
    selector     TEXT NOT NULL UNIQUE,
    token_hash   TEXT NOT NULL,
    created_at   INTEGER NOT NULL
  );
  `,
  // 3: interop: the format and topic of foreign devices, peer hubs, and the latest
  // aggregates of neighbouring quartiers. No foreign key to nodes: erasing a node must not fail on it.
  `
  CREATE TABLE devices (
    node_id    TEXT PRIMARY KEY,
    format     TEXT NOT NULL,
    topic      TEXT,
    config     TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX devices_topic ON devices (format, topic) WHERE topic IS NOT NULL;
  CREATE TABLE peers (
    name       TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    username   TEXT,
    password   TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE neighbour_aggregates (
    neighbourhood TEXT NOT NULL,
    quantity      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    ts            INTEGER NOT NULL,
    value         REAL NOT NULL,
    households    INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    PRIMARY KEY (neighbourhood, quantity)
  ) WITHOUT ROWID;
  `,
  // 4: raw readings packed per series (<= 12 B a reading). Readings older than an hour
  // move from \`readings\` into blocks of ~100; times and sequence numbers are a straight line from
  // the first to the last plus per-reading offsets, values a JSON array: text SQLite decodes itself,
  // so \`all_readings\` gives residents one row per reading again (docs/DATA.md). A rowid table: a
  // block of ~1 KB stays in its 1 KiB page, where a WITHOUT ROWID row over ~230 B would overflow.
  `
  CREATE TABLE reading_blocks (
    id        INTEGER PRIMARY KEY,
    sensor_id INTEGER NOT NULL,
    t0        INTEGER NOT NULL,
    t1        INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    ts_off    TEXT,
    vals      TEXT NOT NULL,
    seq0      INTEGER,
    seq1      INTEGER,
    seq_off   TEXT
  );
  CREATE INDEX reading_blocks_series ON reading_blocks (sensor_id, t0, t1, n);
  CREATE VIEW all_readings (sensor_id, ts, seq, value) AS
    SELECT sensor_id, ts, seq, value FROM readings
    UNION ALL
    SELECT b.sensor_id,
           b.t0 + v.key * (b.t1 - b.t0) / max(b.n - 1, 1) + coalesce(b.ts_off ->> v.key, 0),
           b.seq0 + v.key * (b.seq1 - b.seq0) / max(b.n - 1, 1) + coalesce(b.seq_off ->> v.key, 0),
           CAST(v.value AS REAL)
    FROM reading_blocks b, json_each(b.vals) v;
  `,
  // 5: each node's clock offset (its status message's time minus the hub's when received), shown
  // on the dashboard's Sensors view: a node that does not take the hub's time stands out.
  `
  ALTER TABLE nodes ADD COLUMN clock_offset_ms INTEGER;
  `,
  // 6: the aggregate privacy model (docs/PRIVACY.md). When each household's data was public
  // (community or open): a bucket in which a household was public does not count towards the
  // protection of the private ones, and its series is public only from \`since\` on. A household that
  // shares from the start (0) has no private past; those that share already are taken as such.
  // Collective figures as published: a bucket whose published figure counted private households
  // never changes (a new version would give away exactly what changed); a withheld bucket, or one
  // made of named households only, may be published again later.
  `
  CREATE TABLE sharing_periods (
    household_id TEXT NOT NULL,
    since        INTEGER NOT NULL,
    until        INTEGER,
    PRIMARY KEY (household_id, since)
  ) WITHOUT ROWID;
  INSERT INTO sharing_periods (household_id, since, until)
    SELECT id, 0, NULL FROM households WHERE sharing IN ('community', 'open');
  CREATE TABLE published_buckets (
    quantity   TEXT NOT NULL,
    period     INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    value      REAL,
    series     INTEGER,
    households INTEGER,
    private    INTEGER NOT NULL DEFAULT 0,
    withheld   TEXT,
    PRIMARY KEY (quantity, period, start)
  ) WITHOUT ROWID;
  `,
  // 7: tariffs with the date each applies from, and Tempo day colours (docs/MONEY.md). The price the
  // console used to keep in settings becomes the first tariff, so old figures keep their price.
  `
  CREATE TABLE tariffs (
    valid_from   TEXT PRIMARY KEY,
    model        TEXT NOT NULL CHECK (model IN ('single', 'peak-offpeak', 'tempo')),
    daily_charge REAL NOT NULL,
    detail       TEXT NOT NULL,
    set_at       INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE tempo_days (
    day     TEXT PRIMARY KEY,
    colour  TEXT NOT NULL CHECK (colour IN ('blue', 'white', 'red')),
    source  TEXT NOT NULL,
    set_at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO tariffs (valid_from, model, daily_charge, detail, set_at)
    SELECT '1970-01-01', 'single',
           coalesce((SELECT CAST(value AS REAL) FROM settings WHERE key = 'tariffDailyCharge'), 0.4),
           json_object('perKwh', CAST(value AS REAL)), 0
    FROM settings WHERE key = 'tariffPerKwh';
  DELETE FROM settings WHERE key IN ('tariffPerKwh', 'tariffDailyCharge');
  `,
  // 8: acting together (docs/COLLECTIVE.md): EcoWatt days and the admin's notes for the signal,
  // and collective challenges with their result, kept as first published.
  `
  CREATE TABLE signal_days (
    day     TEXT PRIMARY KEY,
    ecowatt TEXT CHECK (ecowatt IN ('orange', 'red')),
    note    TEXT,
    set_at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE challenges (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    day        TEXT NOT NULL,
    from_time  TEXT NOT NULL,
    to_time    TEXT NOT NULL,
    target_pct REAL NOT NULL,
    created_at INTEGER NOT NULL,
    result     TEXT
  ) WITHOUT ROWID;
  CREATE INDEX challenges_day ON challenges (day);
  `,
  // 9: utility meters read by their own output (a Linky's TIC, a DSMR P1 port). A series may be a
  // part of another of its node (a tariff register of the total): collective figures skip it then.
  // One row per node reading a meter: its contract (meta) and its tariff period (status).
  `
  ALTER TABLE sensors ADD COLUMN part_of TEXT;
  CREATE TABLE meters (
    node_id        TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    mode           TEXT,
    phases         INTEGER,
    option         TEXT,
    subscribed_va  REAL,
    subscribed_a   REAL,
    producer       INTEGER,
    period         TEXT,
    period_index   INTEGER,
    off_peak       INTEGER,
    tempo_today    TEXT,
    tempo_tomorrow TEXT,
    status_ts      INTEGER
  );
  `,
];
