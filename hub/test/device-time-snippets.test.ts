import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { Commands } from '../src/commands/commands.ts';
import { openOfflineContext } from '../src/offline-context.ts';

/** `device add` through the offline console: no hub runs, so the hub's default (NTP on 123) applies. */
async function offlineDeviceAdd(line: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-snippet-'));
  const offline = openOfflineContext(dir);
  try {
    const out: string[] = [];
    const code = await new Commands().run(offline.ctx, line, { who: 'test', out: (l) => out.push(l) });
    expect(code).toBe(0);
    return out.join('\n');
  } finally {
    offline.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses YAML with Debian's PyYAML (a parser none of us wrote) and returns it as JSON. */
function yaml(text: string): Record<string, unknown> {
  const r = spawnSync(
    '/usr/bin/python3',
    ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
    {
      input: text,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('device add points devices at the hub for their time too', () => {
  it('Tasmota: NtpServer1 is the hub, in the same Backlog line', async () => {
    const out = await offlineDeviceAdd('device add plug-1 --format tasmota --topic tasmota_A1');
    const backlog = out.split('\n').find((l) => l.includes('Backlog')) ?? '';
    const commands = backlog.replace(/^.*Backlog /, '').split('; ');
    expect(commands).toContain('MqttHost HUB-ADDRESS');
    expect(commands).toContain('NtpServer1 HUB-ADDRESS');
  });

  it('ESPHome: the YAML has an sntp time source whose server is the hub', async () => {
    const out = await offlineDeviceAdd('device add esp-1 --format esphome --topic salon');
    const doc = yaml(out.slice(out.indexOf('mqtt:')));
    expect(doc.mqtt).toMatchObject({ broker: 'HUB-ADDRESS', username: 'esp-1', topic_prefix: 'salon' });
    expect(doc.time).toEqual([{ platform: 'sntp', servers: ['HUB-ADDRESS'] }]);
  });

  describe('when the running hub gives no time on port 123', () => {
    let th: TestHub;
    beforeAll(async () => {
      th = await startTestHub();
    });
    afterAll(() => th.stop());

    it('says so in one line instead of pointing the device at a clock that is not there', async () => {
      const { code, output } = await th.run('device add plug-2 --format tasmota --topic tasmota_B2');
      expect(code).toBe(0);
      expect(output).not.toContain('NtpServer1');
      expect(output).toContain(
        'The hub gives no time to devices (NTP is off: not asked for (--ntp-port off)): point their NTP server at a time server on your LAN.',
      );
      const esp = await th.run('device add esp-2 --format esphome --topic cuisine');
      expect(esp.output).not.toContain('sntp');
    });
  });
});
