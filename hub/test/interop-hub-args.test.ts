import { describe, expect, it } from 'vitest';
import { parseHubArgs, UsageError } from '../src/cli/hub-args.ts';

describe('communs hub --broker (external broker mode)', () => {
  it('takes the URL, the user and the password from flags or the environment', () => {
    expect(parseHubArgs(['--broker', 'mqtt://10.0.0.2:1883', '--broker-user', 'hub'], {}).broker).toEqual({
      url: 'mqtt://10.0.0.2:1883',
      username: 'hub',
    });
    const fromEnv = parseHubArgs(['--broker', 'mqtt://b:1883'], { COMMUNS_BROKER_PASSWORD: 'p' }).broker;
    expect(fromEnv).toEqual({ url: 'mqtt://b:1883', password: 'p' });
    expect(parseHubArgs([], {}).broker).toBeUndefined();
  });

  it('names the bad value and the fix in one line', () => {
    expect(() => parseHubArgs(['--broker', 'localhost'], {})).toThrow(UsageError);
    expect(() => parseHubArgs(['--broker', 'localhost'], {})).toThrow(
      /mqtt:\/\/10\.0\.0\.2:1883, got "localhost"/,
    );
    expect(() => parseHubArgs(['--broker-user', 'u'], {})).toThrow(/need --broker/);
  });
});
