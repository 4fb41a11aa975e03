import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ptyPair } from '../firmware/virtual/pty-pair.ts';
import { startSerialConsole } from '../hub/src/console/serial-console.ts';
import { connectNode, sendMeta, sendReadings } from './support/mqtt-node.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

/**
 * The admin console over a real pseudo-terminal pair (socat): the hub serves it on one end with
 * serialport at 115200 baud, the test types on the other end like a person at a dumb terminal.
 */
describe('the serial console over a real pseudo-terminal', () => {
  let th: TestHub;
  let socat: ChildProcess;
  let terminal: SerialPort;
  let stopConsole: () => Promise<void>;
  let screen = '';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-pty-'));
  const hubEnd = path.join(dir, 'hub-tty');
  const personEnd = path.join(dir, 'person-tty');

  /** types a line (CR, as a terminal sends it) and waits for the next prompt */
  async function type(text: string, until = 'communs> '): Promise<string> {
    const start = screen.length;
    terminal.write(text);
    const deadline = Date.now() + 10_000;
    while (!screen.slice(start).includes(until)) {
      if (Date.now() > deadline)
        throw new Error(`no "${until}" after ${JSON.stringify(text)}: ${screen.slice(start)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return screen.slice(start);
  }

  beforeAll(async () => {
    socat = await ptyPair(hubEnd, personEnd);
    th = await startTestHub();
    terminal = new SerialPort({ path: personEnd, baudRate: 115_200 });
    await new Promise((r) => terminal.once('open', r));
    terminal.on('data', (d: Buffer) => (screen += d.toString('utf8')));
    stopConsole = await startSerialConsole({ hub: th.hub, path: hubEnd, baudRate: 115_200 });
    const deadline = Date.now() + 5000;
    while (!screen.includes('communs> ') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
  });
  afterAll(async () => {
    await stopConsole?.();
    if (terminal?.isOpen) await new Promise((r) => terminal.close(r));
    socat?.kill();
    await th?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('greets with a banner and a prompt, plain text, no colour', () => {
    expect(screen).toContain('admin console on');
    expect(screen).toMatch(/communs> $/);
    expect(screen).not.toContain('\u001b[');
  });

  it('a scripted session adds a node that publishes with the printed credentials; revoke cuts it off', async () => {
    expect(await type('household add maison-7 "Maison 7" --sharing community\r')).toContain(
      'household maison-7 added, sharing community.',
    );
    // a typo corrected with backspace and DEL, as on a dumb terminal
    const added = await type('node add compteur-8\x7f7 --housx\b\bsehold maison-7\r');
    expect(added).toContain('node compteur-7 added to household maison-7.');
    const secret = /MQTT password: (\S+)/.exec(added)?.[1] ?? '';
    expect(secret).toHaveLength(32);
    const client: MqttClient = await connectNode(th.mqttUrl, 'compteur-7', secret);
    await sendMeta(client, 'compteur-7', [{ id: 'power', quantity: 'power', unit: 'W' }]);
    await sendReadings(client, 'compteur-7', [
      { sensor: 'power', quantity: 'power', unit: 'W', value: 321, ts: Date.now(), seq: 1 },
    ]);
    expect(await type('node list\r')).toMatch(/compteur-7 +online +maison-7 .* 1 +0/);
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    expect(await type('node revoke compteur-7\r')).toContain(
      'node compteur-7 revoked; 1 connection(s) closed.',
    );
    await closed;
    await expect(connectNode(th.mqttUrl, 'compteur-7', secret)).rejects.toThrow();
    expect(await type('audit\r')).toMatch(/serial:\S+hub-tty +node revoke compteur-7/);
  });

  it('binary garbage and a very long line leave it usable', async () => {
    terminal.write(Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x41, 0x80, 0x07]));
    expect(await type(`${'x'.repeat(3000)}\r`)).toContain(
      'error: line too long (over 1024 bytes): nothing was run',
    );
    expect(await type('status\r')).toContain('nodes       1: 0 online');
  });

  it('erasing asks first; a long listing pages', async () => {
    expect(await type('household erase maison-7\r', '[y/N] ')).toContain('This erases household maison-7');
    expect(await type('n\r')).toContain('nothing erased.');
    expect(await type('help\r', '-- more: ')).toMatch(/commands \(help COMMAND for details\)/);
    expect(await type('q\r')).toMatch(/more line\(s\) not shown\)\r\ncommuns> $/);
  });
});
