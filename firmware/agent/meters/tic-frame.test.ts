import { describe, expect, it } from 'vitest';
import { ticFrame, ticGroup } from '../../virtual/meters/tic-compose.ts';
import { decodeTicFrame, parseTicGroup, ticChecksum } from './tic-frame.ts';
import { TicFramer } from './tic-framer.ts';

const body = (frame: string) => frame.slice(1, -1);

describe('TIC checksums (Enedis-NOI-CPT_54E)', () => {
  it('historic mode: label, separator and data, without the last separator — "PAPP 00390 -"', () => {
    expect(ticChecksum('PAPP 00390')).toBe('-');
    expect(parseTicGroup('PAPP 00390 -')).toEqual({
      ok: true,
      mode: 'historique',
      label: 'PAPP',
      value: '00390',
    });
  });

  it('standard mode: the last separator is summed too', () => {
    // S+I+N+S+T+S = 484, two HT = 18, "00390" = 252: 754 & 0x3F = 50, + 0x20 = "R"
    expect(ticChecksum('SINSTS\t00390\t')).toBe('R');
    expect(parseTicGroup('SINSTS\t00390\tR')).toMatchObject({ ok: true, mode: 'standard', value: '00390' });
    // summed the historic way, the same group would not check out
    expect(parseTicGroup('SINSTS\t00390\tI')).toEqual({ ok: false, reason: 'checksum', label: 'SINSTS' });
  });

  it('reads a standard group with a timestamp, and a checksum that is itself a space', () => {
    const group = ticGroup('standard', ['SMAXSN', '07250', 'E230615120000']).slice(1, -1);
    expect(parseTicGroup(group)).toEqual({
      ok: true,
      mode: 'standard',
      label: 'SMAXSN',
      timestamp: 'E230615120000',
      value: '07250',
    });
    // an index whose checksum is " ": the group then ends with two spaces
    const value = Array.from({ length: 1000 }, (_, i) => String(123_000 + i).padStart(9, '0')).find(
      (v) => ticChecksum(`HCHC ${v}`) === ' ',
    );
    expect(value).toBeDefined();
    expect(parseTicGroup(`HCHC ${value}  `)).toMatchObject({ ok: true, label: 'HCHC', value });
  });

  it('refuses a group of the wrong shape', () => {
    expect(parseTicGroup('X')).toEqual({ ok: false, reason: 'malformed' });
    expect(parseTicGroup('PAPP,00390,-')).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('TIC frames', () => {
  const hc = ticFrame('historique', [
    ['ADCO', '021528603314'],
    ['OPTARIF', 'HC..'],
    ['ISOUSC', '30'],
    ['HCHC', '001234567'],
    ['HCHP', '002345678'],
    ['PTEC', 'HP..'],
    ['IINST', '002'],
    ['PAPP', '00390'],
  ]);

  it('decodes every group of a historic frame, in order', () => {
    const frame = decodeTicFrame(body(hc));
    expect(frame.mode).toBe('historique');
    expect(frame.bad).toBe(0);
    expect([...frame.values.keys()]).toEqual([
      'ADCO',
      'OPTARIF',
      'ISOUSC',
      'HCHC',
      'HCHP',
      'PTEC',
      'IINST',
      'PAPP',
    ]);
    expect(frame.values.get('HCHP')).toBe('002345678');
  });

  it('skips and counts a bad non-index group; the frame stays usable', () => {
    const broken = hc.replace('PAPP 00390', 'PAPP 00890');
    const frame = decodeTicFrame(body(broken));
    expect(frame.bad).toBe(1);
    expect(frame.badIndex).toBe(false);
    expect(frame.values.has('PAPP')).toBe(false);
    expect(frame.values.get('HCHC')).toBe('001234567');
  });

  it('marks a frame whose index group (or an unreadable group) is bad', () => {
    expect(decodeTicFrame(body(hc.replace('HCHP 002345678', 'HCHP 002345679'))).badIndex).toBe(true);
    expect(decodeTicFrame(body(hc.replace('HCHP 002345678', 'HC#P 002345678'))).badIndex).toBe(true);
    // a group broken off before its CR
    expect(decodeTicFrame(body(hc.replace(/PTEC HP\.\. .\r/, 'PTEC HP')))).toMatchObject({
      bad: 1,
      badIndex: true,
    });
  });

  it('tells the standard mode by its separators', () => {
    const frame = decodeTicFrame(
      body(
        ticFrame('standard', [
          ['EAST', '000123456'],
          ['SINSTS', '00390'],
        ]),
      ),
    );
    expect(frame).toMatchObject({ mode: 'standard', bad: 0 });
  });
});

describe('TicFramer', () => {
  it('reassembles frames split anywhere, and waits for an STX when joined mid-frame', () => {
    const framer = new TicFramer();
    const stream = Buffer.from(
      `RP 00390 -\r\x03${ticFrame('historique', [['PAPP', '00390']])}\x02\nHC`,
      'latin1',
    );
    const out: string[] = [];
    for (const byte of stream) out.push(...framer.push([byte]));
    expect(out).toEqual(['\nPAPP 00390 -\r']);
    expect(framer.truncated).toBe(0);
  });

  it('counts a frame cut by EOT or by a new STX, and one left open when the port closes', () => {
    const framer = new TicFramer();
    expect(framer.push(Buffer.from('\x02\nPAPP 003\x04\x02\nPA\x02\nPAPP 00390 -\r\x03'))).toEqual([
      '\nPAPP 00390 -\r',
    ]);
    expect(framer.truncated).toBe(2);
    framer.push(Buffer.from('\x02\nHCHC 0012'));
    framer.reset();
    expect(framer.truncated).toBe(3);
  });

  it('ignores the parity bit of a port opened 8N1', () => {
    const framer = new TicFramer();
    const withParity = [...Buffer.from(ticFrame('historique', [['PAPP', '00390']]))].map((b) => b | 0x80);
    expect(framer.push(withParity)).toEqual(['\nPAPP 00390 -\r']);
  });
});
