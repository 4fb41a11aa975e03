import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { runConsoleCommand } from '../src/cli/console-command.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  out: string;
}

/** `communs console` as a person runs it: a separate process talking to the hub's local socket. */
function communs(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/communs.js'), 'console', ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(input ?? '');
  });
}

/**
 * `communs console -c LINE` in this process (the same code as the executable, without a process
 * start per command, which costs ~1.5 s here): output and exit status as the person gets them.
 */
async function consoleC(dataDir: string, line: string): Promise<Run> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((l: unknown) => void lines.push(String(l)));
  const err = vi.spyOn(console, 'error').mockImplementation((l: unknown) => void lines.push(String(l)));
  try {
    const code = await runConsoleCommand(['--data', dataDir, '-c', line]);
    return { code, out: lines.map((l) => `${l}\n`).join('') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('communs console -c against a running hub: every command, and mistakes', () => {
  let th: TestHub;
  /** runs commands one after the other through the hub's console socket; checks status and output */
  async function batch(cases: [line: string, code: number, pattern: RegExp][]): Promise<Run[]> {
    const runs: Run[] = [];
    for (const [line] of cases) runs.push(await consoleC(th.dataDir, line));
    runs.forEach((r, i) => {
      const [line, code, pattern] = cases[i] ?? ['', 0, /./];
      expect({ line, code: r.code }, r.out).toEqual({ line, code });
      expect(r.out, line).toMatch(pattern);
    });
    return runs;
  }

  beforeAll(async () => {
    th = await startTestHub();
  });
  afterAll(async () => {
    await th.stop();
  });

  it("provisions, changes and reads through the hub; exit status is the command's", async () => {
    await batch([
      ['household add h1 "Maison Un" --sharing private', 0, /household h1 added, sharing private/],
    ]);
    const [added] = await batch([
      ['node add n1 --household h1', 0, /MQTT password: \S{32}/],
      ['household add p1 "Salle des fêtes" --place --sharing open', 0, /place p1 added, sharing open/],
      ['household add h2 "Maison Deux" --sharing community', 0, /household h2 added/],
      [
        'tariff set single --price 0.3 --daily 0.45 --from 2026-01-01',
        0,
        /tariff set from 2026-01-01: single rate 0\.3000 EUR\/kWh \+ 0\.4500 EUR\/day/,
      ],
      ['settings set neighbourhood "Rue des Lilas"', 0, /neighbourhood="Rue des Lilas"/],
      ['settings set grid 60', 0, /gridGco2PerKwh=60/],
      ['settings set power 4.2', 0, /hubPowerW=4.2/],
      ['settings set url http://192.168.1.20:8080', 0, /publicUrl/],
      ['retention set raw 14', 0, /kept 14 days \(were 30\)/],
      ['help', 0, /household erase/],
      ['help node add', 0, /usage: node add ID/],
      ['export', 0, /readings of 0 open series -> exports\/open-data-/],
      ['backup', 0, /backup written: .*backups\/communs-.*\.db/],
    ]);
    expect(added?.out).toContain('"node":"n1"');
    await batch([
      ['status', 0, /nodes {7}1: .* 1 never seen[\s\S]*database[\s\S]*memory[\s\S]*recent changes/],
      ['node list', 0, /n1 +never +h1/],
      ['household list', 0, /h1 +household private +1 node/],
      ['node rename n1 "Compteur cuisine"', 0, /now called "Compteur cuisine"/],
      ['node rejections n1', 0, /no rejected message/],
      ['household show h1', 0, /sharing: +private[\s\S]*nodes: +n1/],
      ['household link h1 --ascii', 0, /http:\/\/192\.168\.1\.20:8080\/h\/[A-Za-z0-9_-]{44}\n[\s#]+##/],
      ['household export h1', 0, /exports\/household-h1-readings-/],
      ['household rename h2 "Maison 2" --location "Rue des Lilas"', 0, /now called "Maison 2"/],
      ['household sharing h2 open', 0, /community -> open/],
      ['settings', 0, /currency +EUR[\s\S]*grid +60[\s\S]*power +4\.2/],
      ['tariff', 0, /\* 2026-01-01 {2}single rate 0\.3000 EUR\/kWh \+ 0\.4500 EUR\/day/],
      ['retention', 0, /raw readings +14 days[\s\S]*next purge +\d{4}-[\s\S]*will remove +0 raw readings/],
    ]);
    await batch([
      ['node rotate n1', 0, /new secret[\s\S]*MQTT password: \S{32}/],
      ['household unlink h1', 0, /revoked/],
      ['node move n1 p1', 0, /now belongs to p1/],
    ]);
    await batch([['node revoke n1', 0, /node n1 revoked; 0 connection/]]);
    await batch([['household erase h1 --yes', 0, /household h1 erased: 0 node/]]);
    const [log] = await batch([['audit --limit 50', 0, /local:\S+ +erase household h1/]]);
    for (const change of [
      'node add n1',
      'settings set',
      'retention set raw',
      'tariff set from 2026-01-01',
      'household link h1',
      'node revoke n1',
    ])
      expect(log?.out).toContain(change);
    // erasing h1 removed its own exports; the open-data export is left (it named none of h1's rows)
    expect(fs.readdirSync(path.join(th.dataDir, 'exports'))).toEqual([expect.stringMatching(/^open-data-/)]);
  });

  it('unknown commands and bad arguments: one line with a hint, exit status 2, nothing changed', async () => {
    const runs = await batch([
      ['frobnicate', 2, /^error: unknown command "frobnicate" — type "help" for the list of commands\n$/],
      ['node frob', 2, /^error: unknown command "node frob" — try: node list, node add/],
      ['node add "Bad Id"', 2, /^error: node id "Bad Id": use 1-63 lower-case/],
      ['node add', 2, /^error: missing node id — usage: node add ID/],
      ['node revoke nope', 2, /^error: no node "nope": see "node list"\n$/],
      ['node list --verbose', 2, /^error: unknown option "--verbose" — usage: node list\n$/],
      ['household sharing h2 secret', 2, /sharing must be private, community or open, got "secret"/],
      ['household erase h2', 2, /confirm with "household erase h2 --yes"/],
      ['settings set tariff 0.2 1', 2, /the tariff is set with "tariff set"/],
      ['tariff set single --price abc --daily 1', 2, /--price must be a number, got "abc"/],
      ['settings set colour blue', 2, /unknown setting "colour"/],
      ['settings set url ftp://x', 2, /url must start with http/],
      ['retention set raw 0', 2, /DAYS must be a whole number from 1 to 3650, got "0"/],
      ['retention set rollups 3', 2, /rollups are kept for good/],
      ['audit --limit many', 2, /--limit must be a whole number/],
      ['help frob', 2, /no command "frob"/],
      ['node add "unclosed', 2, /unclosed " quote/],
    ]);
    for (const r of runs) expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(th.hub.store.registry.household('h2')?.sharing).toBe('open');
  });

  it("as a separate process: the exit status is the command's, the output its lines", async () => {
    const cases: [string, number, RegExp][] = [
      ['status', 0, /^Communs hub .* — Rue des Lilas\n/],
      ['household add h9 "Maison Neuf"', 0, /^household h9 added, sharing private\.\n$/],
      ['frobnicate', 2, /^error: unknown command "frobnicate"/],
      ['household erase h2', 2, /^error: erasing cannot be undone/],
    ];
    const runs = await Promise.all(cases.map(([line]) => communs(['--data', th.dataDir, '-c', line])));
    runs.forEach((r, i) => {
      expect(r.code, r.out).toBe(cases[i]?.[1]);
      expect(r.out).toMatch(cases[i]?.[2] ?? /./);
    });
  });

  it('the interactive console asks before erasing, and "n" erases nothing', async () => {
    const r = await communs(['--data', th.dataDir], 'household erase h2\nn\nexit\n');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /erases household h2 \("Maison 2"\) for good[\s\S]*Erase h2\? \[y\/N\][\s\S]*nothing erased/,
    );
    expect(th.hub.store.registry.household('h2')).toBeDefined();
    const yes = await communs(['--data', th.dataDir], 'household erase h2\nyes\nexit\n');
    expect(yes.out).toMatch(/household h2 erased/);
    expect(th.hub.store.registry.household('h2')).toBeUndefined();
  });
});
