import { describe, expect, it } from 'vitest';
import {
  DSMR_EXAMPLE_HEADER,
  DSMR_EXAMPLE_LINES as LINES,
  p1Telegram,
} from '../../virtual/meters/p1-compose.ts';
import { crc16 } from './crc16.ts';
import { interpretP1 } from './p1-obis.ts';
import { checkTelegram, P1Framer } from './p1-telegram.ts';

describe('DSMR CRC-16', () => {
  it('is CRC-16/ARC: check value 0xBB3D for "123456789"', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0xbb3d);
  });
});

describe('P1 telegrams', () => {
  const telegram = p1Telegram(DSMR_EXAMPLE_HEADER, LINES);

  it('checks the CRC from "/" through "!" and reads every object', () => {
    const t = checkTelegram([...Buffer.from(telegram.trimEnd(), 'latin1')]);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.header).toBe('ISk5\\2MT382-1000');
    expect(t.objects).toHaveLength(LINES.length);
    expect(t.objects.find((o) => o.obis === '0-1:24.2.1')?.values).toEqual(['101209112500W', '12785.123*m3']);
  });

  it('refuses a telegram whose CRC does not match, naming both', () => {
    const bad = telegram.replace('01.193*kW', '01.194*kW');
    const t = checkTelegram([...Buffer.from(bad.trimEnd(), 'latin1')]);
    expect(t).toMatchObject({ ok: false, reason: 'crc' });
    expect(!t.ok && t.detail).toMatch(/^CRC [0-9A-F]{4} sent, [0-9A-F]{4} computed$/);
  });

  it('frames telegrams from a stream split anywhere, counting one cut short', () => {
    const framer = new P1Framer();
    const stream = Buffer.from(
      `23.4*kW)\r\n!ABCD\r\n/XMX5\r\n\r\n1-0:1.8.1(000${telegram}${telegram}`,
      'latin1',
    );
    const out = [];
    for (let i = 0; i < stream.length; i += 7) out.push(...framer.push(stream.subarray(i, i + 7)));
    expect(out.map((t) => t.ok)).toEqual([true, true]);
    expect(framer.truncated).toBe(1);
  });

  it('maps the registers, the net power, voltage and current per phase and the gas meter', () => {
    const t = checkTelegram([...Buffer.from(telegram.trimEnd(), 'latin1')]);
    if (!t.ok) throw new Error(t.detail);
    const facts = interpretP1(t.objects);
    const value = (sensor: string) => facts.readings.find((r) => r.sensor === sensor);
    expect(value('energy-t1')).toEqual({
      sensor: 'energy-t1',
      quantity: 'energy',
      unit: 'Wh',
      value: 123_456_789,
    });
    expect(value('energy-exported-t2')).toMatchObject({ quantity: 'energy_exported', value: 123_456_789 });
    expect(value('power')).toMatchObject({ quantity: 'power', unit: 'W', value: 1193 });
    expect(value('voltage-l3')).toMatchObject({ unit: 'V', value: 220.3 });
    expect(value('current-l2')).toMatchObject({ unit: 'A', value: 2 });
    expect(value('gas')).toMatchObject({ quantity: 'gas', unit: 'm³', value: 12785.123 });
    expect(facts.meter).toEqual({ kind: 'p1', phases: 3, producer: true });
    expect(facts.status).toEqual({ index: 2 });
    // the equipment identifiers stay in the reader
    expect(JSON.stringify(facts)).not.toContain('4B3845');
  });

  it('goes negative when the home returns power, and names a value in the wrong unit', () => {
    const facts = interpretP1([
      { obis: '1-0:1.7.0', values: ['00.000*kW'] },
      { obis: '1-0:2.7.0', values: ['02.203*kW'] },
      { obis: '1-0:32.7.0', values: ['233.2*kV'] },
    ]);
    expect(facts.readings).toEqual([{ sensor: 'power', quantity: 'power', unit: 'W', value: -2203 }]);
    expect(facts.malformed).toEqual(['1-0:32.7.0']);
  });
});
