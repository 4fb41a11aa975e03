import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runNode } from './main.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

function captureErrors(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
  return lines;
}

describe('communs node', () => {
  it('asks for --config in one line, exit code 2', async () => {
    const lines = captureErrors();
    expect(await runNode([])).toBe(2);
    expect(lines).toEqual(['communs node: --config is missing — usage: communs node --config FILE']);
  });

  it('names an unknown flag, exit code 2', async () => {
    const lines = captureErrors();
    expect(await runNode(['--confg', 'x.json'])).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/confg/);
  });

  it('turns a bad config into the loader line, exit code 1, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'communs-main-'));
    const file = join(dir, 'node.json');
    const config = {
      node: 'n',
      secret: 's',
      hub: 'mqtt://127.0.0.1:1',
      board: { type: 'virtual' },
      sensors: [{ type: 'meter-pulses', id: 'm', pin: 'D7' }],
      queue: { dir: 'q' },
    };
    writeFileSync(file, JSON.stringify(config));
    const lines = captureErrors();
    expect(await runNode(['--config', file])).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^node.json: sensors\[0\]\.pin: the meter pulse sensor needs an interrupt pin/);
  });

  it('says which file it cannot read', async () => {
    const lines = captureErrors();
    expect(await runNode(['--config', '/nonexistent/node.json'])).toBe(1);
    expect(lines[0]).toMatch(
      /cannot read the config file at \/nonexistent\/node.json \(ENOENT\) — check the --config path/,
    );
  });
});
