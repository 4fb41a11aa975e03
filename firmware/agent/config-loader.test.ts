import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadNodeConfig } from './config-loader.ts';

const base = {
  node: 'house-1',
  secret: 's3cret',
  hub: 'mqtt://127.0.0.1:1883',
  board: { type: 'virtual' },
  queue: { dir: 'queue' },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'communs-config-'));
});

async function load(config: unknown): Promise<string> {
  const file = join(dir, 'config.json');
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
  try {
    await loadNodeConfig(file);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
}

describe('node config loader', () => {
  it('accepts a valid config and resolves the queue dir from the config file', async () => {
    const file = join(dir, 'good.json');
    await writeFile(
      file,
      JSON.stringify({ ...base, sensors: [{ type: 'meter-pulses', id: 'meter', pin: 'D2' }] }),
    );
    const loaded = await loadNodeConfig(file);
    expect(loaded.queueDir).toBe(join(dir, 'queue'));
    expect(loaded.sensors[0]).toMatchObject({ type: 'meter-pulses', impPerKwh: 1000 });
    expect(loaded.config.publishIntervalS).toBe(10);
  });

  it('reads the sensors of a kit file', async () => {
    await writeFile(
      join(dir, 'kit.json'),
      JSON.stringify({ board: 'uno', sensors: [{ type: 'sht31', id: 'air' }] }),
    );
    const file = join(dir, 'kit-config.json');
    await writeFile(file, JSON.stringify({ ...base, kit: 'kit.json' }));
    expect((await loadNodeConfig(file)).sensors).toEqual([{ type: 'sht31', id: 'air' }]);
  });

  it('names a pin of the wrong kind and the fix', async () => {
    expect(await load({ ...base, sensors: [{ type: 'tmp36', id: 't', pin: 'D9' }] })).toBe(
      'config.json: sensors[0].pin: an analog pin such as "A0", got "D9" — fix the pin in the config',
    );
  });

  it('names a missing pin', async () => {
    expect(await load({ ...base, sensors: [{ type: 'ldr', id: 'l' }] })).toMatch(
      /^config.json: sensors\[0\]\.pin: missing — add "pin"/,
    );
  });

  it('names an unknown sensor type and lists the known ones', async () => {
    expect(await load({ ...base, sensors: [{ type: 'dht22', id: 't', pin: 'A0' }] })).toMatch(
      /sensors\[0\]\.type: unknown sensor type "dht22"; use one of meter-pulses, .*scd4x/,
    );
  });

  it('refuses a pin used twice', async () => {
    const sensors = [
      { type: 'ldr', id: 'a', pin: 'A0' },
      { type: 'tmp36', id: 'b', pin: 'A0' },
    ];
    expect(await load({ ...base, sensors })).toBe(
      'config.json: sensors[1].pin: A0 is already used by sensors[0].pin — wire this sensor to a free pin and fix "pin"',
    );
  });

  it('lets I2C sensors share the bus but not an address', async () => {
    const shared = [
      { type: 'bme280', id: 'a' },
      { type: 'scd4x', id: 'c' },
    ];
    expect(await load({ ...base, sensors: shared })).toBe('ok');
    const clash = [
      { type: 'sht31', id: 'a' },
      { type: 'sht31', id: 'b' },
    ];
    expect(await load({ ...base, sensors: clash })).toMatch(/sensors\[1\]\.address: 0x44 is already used/);
  });

  it('refuses an analog sensor on the I2C pins when the bus is in use', async () => {
    const sensors = [
      { type: 'bme280', id: 'a' },
      { type: 'tmp36', id: 'b', pin: 'A4' },
    ];
    expect(await load({ ...base, sensors })).toMatch(/sensors\[1\]\.pin: A4 is the I2C bus \(SDA\)/);
  });

  it('wants the meter pulse sensor on an interrupt pin', async () => {
    expect(await load({ ...base, sensors: [{ type: 'meter-pulses', id: 'm', pin: 'D5' }] })).toMatch(
      /sensors\[0\]\.pin: the meter pulse sensor needs an interrupt pin, "D2" or "D3", got "D5"/,
    );
  });

  it('refuses a particulate duty cycle when no TX pin can carry the sleep command', async () => {
    const dust = { type: 'sds011', id: 'pm', rxPin: 'D8' };
    expect(await load({ ...base, sensors: [{ ...dust, periodMinutes: 5 }] })).toMatch(
      /sensors\[0\]\.periodMinutes: .*no "txPin"/,
    );
    expect(await load({ ...base, sensors: [dust] })).toBe('ok');
    expect(await load({ ...base, sensors: [{ ...dust, txPin: 'D9', periodMinutes: 5 }] })).toBe('ok');
  });

  it('refuses two sensors with the same id', async () => {
    const sensors = [
      { type: 'ldr', id: 'a', pin: 'A0' },
      { type: 'microphone', id: 'a', pin: 'A1' },
    ];
    expect(await load({ ...base, sensors })).toMatch(
      /sensors\[1\]\.id: "a" is already the id of sensors\[0\]/,
    );
  });

  it('explains bad JSON, a bad hub URL, a bad board type and a missing kit', async () => {
    expect(await load('{"node": ')).toMatch(/^config.json: not valid JSON/);
    expect(await load({ ...base, hub: 'http://x', sensors: [] })).toMatch(/^config.json: hub: a broker URL/);
    expect(await load({ ...base, board: { type: 'usb' }, sensors: [] })).toMatch(
      /board.type: unknown board type "usb"/,
    );
    expect(await load({ ...base, kit: 'nope.json' })).toMatch(
      /^config.json: kit: cannot read the kit "nope.json"/,
    );
    expect(await load({ ...base })).toMatch(/sensors: give either "sensors"/);
  });

  it('refuses A6/A7 on an Uno kit, in one line naming the pins it has', async () => {
    await writeFile(
      join(dir, 'uno-kit.json'),
      JSON.stringify({ board: 'uno', sensors: [{ type: 'ldr', id: 'light', pin: 'A6' }] }),
    );
    expect(await load({ ...base, kit: 'uno-kit.json' })).toBe(
      'uno-kit.json: sensors[0].pin: an Arduino Uno has no A6 (its analog pins are A0-A5; A6 and A7 are on a Nano or a Pro Mini) — wire the sensor to A0-A5 and fix "pin"',
    );
    await writeFile(
      join(dir, 'nano-kit.json'),
      JSON.stringify({ board: 'nano', sensors: [{ type: 'ldr', id: 'light', pin: 'A6' }] }),
    );
    expect(await load({ ...base, kit: 'nano-kit.json' })).toBe('ok');
  });

  it('refuses a clamp on A6/A7: the firmware samples A0-A5 only', async () => {
    expect(
      await load({ ...base, sensors: [{ type: 'current-clamp', id: 'clamp', pin: 'A0', voltagePin: 'A7' }] }),
    ).toBe(
      'config.json: sensors[0].voltagePin: the firmware samples the clamp on A0-A5 only, got A7 — wire it to A0-A5 and fix "voltagePin"',
    );
  });

  it('refuses D0/D1 for a particulate sensor: they carry the USB link to the agent', async () => {
    expect(await load({ ...base, sensors: [{ type: 'sds011', id: 'dust', rxPin: 'D0' }] })).toBe(
      'config.json: sensors[0].rxPin: D0 and D1 carry the board\'s USB link to the agent — wire the sensor to D2-D13 and fix "rxPin"',
    );
    expect(
      await load({
        ...base,
        sensors: [{ type: 'pms5003', id: 'dust', rxPin: 'D8', txPin: 'D1', periodMinutes: 5 }],
      }),
    ).toMatch(/^config\.json: sensors\[0\]\.txPin: D0 and D1 carry/);
  });
});

describe('meter boards', () => {
  const tic = { ...base, board: { type: 'tic', path: '/dev/ttyUSB0' } };

  it('need no sensors: the meter declares them; the mode defaults to auto', async () => {
    const file = join(dir, 'tic.json');
    await writeFile(file, JSON.stringify(tic));
    const loaded = await loadNodeConfig(file);
    expect(loaded.sensors).toEqual([]);
    expect(loaded.config.board).toEqual({ type: 'tic', path: '/dev/ttyUSB0', mode: 'auto' });
  });

  it('refuse sensors of their own, and a mode that does not exist', async () => {
    expect(await load({ ...tic, sensors: [{ type: 'sht31', id: 'air' }] })).toBe(
      'config.json: sensors: a meter board declares its own sensors from what the meter sends — remove "sensors"',
    );
    expect(await load({ ...tic, board: { ...tic.board, mode: 'historic' } })).toMatch(
      /^config.json: board.mode: .*"historique".*got "historic" — fix the mode in the config$/,
    );
  });

  it('say when a Firmata kit is given to a meter board, and a meter kit to a Firmata board', async () => {
    await writeFile(
      join(dir, 'firmata-kit.json'),
      JSON.stringify({ board: 'uno', sensors: [{ type: 'sht31', id: 'air' }] }),
    );
    await writeFile(
      join(dir, 'meter-kit.json'),
      JSON.stringify({ board: 'usb-serial', meter: 'tic', sensors: [] }),
    );
    expect(await load({ ...tic, kit: 'firmata-kit.json' })).toMatch(
      /^firmata-kit.json: a tic board reads the meter itself; this kit is for a Firmata board/,
    );
    expect(await load({ ...base, kit: 'meter-kit.json' })).toBe(
      'config.json: board: the kit reads a tic meter — set "board": {"type": "tic", "path": "/dev/ttyUSB0"}',
    );
    expect(await load({ ...tic, kit: 'meter-kit.json' })).toBe('ok');
  });
});
