import { spawn } from 'node:child_process';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECT_REASONS } from '../../protocol/index.ts';
import { connectNode, sendMeta, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

/**
 * Parses an exposition with the Prometheus project's own Python client (Debian's
 * python3-prometheus-client): `text` with its classic text-format parser, `openmetrics` with its
 * OpenMetrics parser, which refuses anything the specification does not allow. Prints the
 * families as JSON: name, type, unit and samples.
 */
const PARSE = `
import sys, json
kind = sys.argv[1]
if kind == 'openmetrics':
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({'name': f.name, 'type': f.type, 'unit': f.unit, 'samples': [[s.name, s.labels, s.value] for s in f.samples]})
print(json.dumps(out))
`;

interface ParsedFamily {
  name: string;
  type: string;
  unit: string;
  samples: [string, Record<string, string>, number][];
}

function parse(kind: 'text' | 'openmetrics', body: string): Promise<ParsedFamily[]> {
  const child = spawn('/usr/bin/python3', ['-c', PARSE, kind]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  child.stdin.end(body);
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err)))),
  );
}

function sampleValue(families: ParsedFamily[], sample: string, labels: Record<string, string> = {}): number {
  for (const f of families) {
    for (const [name, l, v] of f.samples) {
      if (name === sample && Object.entries(labels).every(([k, x]) => l[k] === x)) return v;
    }
  }
  throw new Error(`no sample ${sample} ${JSON.stringify(labels)}`);
}

let th: TestHub;
let client: MqttClient;
const t0 = Date.now();

beforeAll(async () => {
  th = await startTestHub();
  // a private household, named and with a sensor label: none of it may reach /metrics
  th.addHousehold('maison-secrete', 'private');
  const { secret } = await th.addNode('noeud-prive-42', { household: 'maison-secrete', sharing: 'private' });
  await th.run('node add never-seen-node --household maison-secrete');
  client = await connectNode(th.mqttUrl, 'noeud-prive-42', secret);
  await sendMeta(client, 'noeud-prive-42', [
    { id: 'compteur-cuisine', quantity: 'power', unit: 'W', label: 'Compteur de la cuisine' },
  ]);
  await sendReadings(client, 'noeud-prive-42', [
    { sensor: 'compteur-cuisine', quantity: 'power', unit: 'W', value: 420, ts: t0, seq: 1 },
    { sensor: 'compteur-cuisine', quantity: 'power', unit: 'W', value: 430, ts: t0 + 1000, seq: 2 },
    { sensor: 'capteur-inconnu', quantity: 'power', unit: 'W', value: 1, ts: t0 + 2000, seq: 3 },
  ]);
  await th.run('backup');
});

afterAll(async () => {
  await client?.endAsync();
  await th?.stop();
});

async function scrape(accept?: string): Promise<{ type: string | null; body: string }> {
  const res = await fetch(`${th.httpUrl}/metrics`, accept ? { headers: { accept } } : {});
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), body: await res.text() };
}

describe('GET /metrics', () => {
  it("is the Prometheus text format, as the Prometheus client's own parser reads it", async () => {
    const { type, body } = await scrape();
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const f = await parse('text', body);
    const byName = new Map(f.map((x) => [x.name, x]));
    expect(byName.get('communs_readings_accepted')?.type).toBe('counter');
    expect(sampleValue(f, 'communs_readings_accepted_total')).toBe(2);
    expect(sampleValue(f, 'communs_readings_rejected_total', { reason: 'unknown_sensor' })).toBe(1);
    for (const reason of REJECT_REASONS)
      expect(sampleValue(f, 'communs_readings_rejected_total', { reason })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(f, 'communs_nodes', { state: 'online' })).toBe(1);
    expect(sampleValue(f, 'communs_nodes', { state: 'never' })).toBe(1);
    expect(byName.get('communs_commit_duration_seconds')?.type).toBe('histogram');
    expect(sampleValue(f, 'communs_commit_duration_seconds_count')).toBeGreaterThan(0);
    expect(sampleValue(f, 'communs_commit_duration_seconds_bucket', { le: '+Inf' })).toBe(
      sampleValue(f, 'communs_commit_duration_seconds_count'),
    );
    expect(sampleValue(f, 'communs_sync_duration_seconds_count')).toBeGreaterThan(0);
    expect(sampleValue(f, 'communs_database_bytes')).toBeGreaterThan(0);
    // the console's backup, and the automatic one a few seconds after start
    expect(sampleValue(f, 'communs_backups')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(f, 'communs_last_backup_timestamp_seconds')).toBeGreaterThan(t0 / 1000 - 60);
    expect(sampleValue(f, 'communs_disk_free_bytes')).toBeGreaterThan(0);
    expect(sampleValue(f, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(sampleValue(f, 'communs_clock_trusted')).toBe(1);
  });

  it('is OpenMetrics 1.0 when the scraper asks, and passes its strict parser', async () => {
    const { type, body } = await scrape('application/openmetrics-text;version=1.0.0,text/plain;q=0.5');
    expect(type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(body.endsWith('# EOF\n')).toBe(true);
    const f = await parse('openmetrics', body);
    expect(f.find((x) => x.name === 'communs_sync_duration_seconds')?.unit).toBe('seconds');
    expect(sampleValue(f, 'communs_readings_accepted_total')).toBe(2);
  });

  it('the strict parser refuses a broken exposition (the check can fail)', async () => {
    const { body } = await scrape('application/openmetrics-text');
    await expect(parse('openmetrics', body.replace('# EOF\n', ''))).rejects.toThrow(/EOF/);
    await expect(
      parse('text', body.replace(/^communs_backups (\d+)$/m, 'communs_backups{ $1')),
    ).rejects.toThrow();
  });

  it('carries no node, household or sensor name: nothing the privacy rules withhold', async () => {
    const { body } = await scrape();
    for (const secret of [
      'noeud-prive-42',
      'never-seen-node',
      'maison-secrete',
      'Household',
      'compteur',
      'cuisine',
    ])
      expect(body).not.toContain(secret);
    expect(body).not.toMatch(/\b(420|430)\b/);
  });

  it('console status prints the same counters', async () => {
    const { body } = await scrape();
    const f = await parse('text', body);
    const { code, output } = await th.run('status');
    expect(code).toBe(0);
    expect(output).toContain(`${sampleValue(f, 'communs_readings_accepted_total')} in all`);
    expect(output).toMatch(/rejections {2}1 \(unknown_sensor 1\)/);
    expect(output).toMatch(/nodes {7}2: 1 online, 0 late, 0 offline, 1 never seen, 0 revoked/);
    expect(output).toMatch(
      /commits {5}\d+\.\d ms on average over \d+; WAL sync \d+\.\d ms on average over \d+/,
    );
    expect(output).toMatch(/backups {5}[1-9]\d*, newest /);
    expect(output).toMatch(/clock {7}.*, trusted/);
    expect(output).toMatch(/ntp {9}off: not asked for/);
  });
});
