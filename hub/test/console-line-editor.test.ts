import { describe, expect, it } from 'vitest';
import { LineEditor } from '../src/console/line-editor.ts';

const bytes = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s));

describe('LineEditor (serial console line editing)', () => {
  it('echoes printable characters and ends a line on CR, LF or CRLF (once)', () => {
    const ed = new LineEditor();
    const r = ed.feed(bytes('status\r\nhelp\nnode list\r'));
    expect(r.echo).toBe('status\r\nhelp\r\nnode list\r\n');
    expect(r.events).toEqual([
      { kind: 'line', line: 'status' },
      { kind: 'line', line: 'help' },
      { kind: 'line', line: 'node list' },
    ]);
  });

  it('a CRLF split across two reads still ends one line', () => {
    const ed = new LineEditor();
    expect(ed.feed(bytes('a\r')).events).toHaveLength(1);
    expect(ed.feed(bytes('\nb\r')).events).toEqual([{ kind: 'line', line: 'b' }]);
  });

  it('backspace and DEL erase the last character on screen and in the line', () => {
    const ed = new LineEditor();
    const r = ed.feed(bytes([...Buffer.from('statx'), 0x7f, 0x08, ...Buffer.from('tus\r')]));
    expect(r.echo).toBe('statx\b \b\b \btus\r\n');
    expect(r.events).toEqual([{ kind: 'line', line: 'status' }]);
  });

  it('backspace on an empty line sends nothing', () => {
    expect(new LineEditor().feed(bytes([0x7f, 0x08])).echo).toBe('');
  });

  it('backspace removes a whole UTF-8 character', () => {
    const ed = new LineEditor();
    const r = ed.feed(bytes([...Buffer.from('rue é'), 0x7f, ...Buffer.from('e\r')]));
    expect(r.events).toEqual([{ kind: 'line', line: 'rue e' }]);
  });

  it('keeps UTF-8 names whole, even split across reads', () => {
    const ed = new LineEditor();
    const e = Buffer.from('É');
    ed.feed(bytes([e[0] as number]));
    const r = ed.feed(bytes([e[1] as number, ...Buffer.from('glise\r')]));
    expect(r.events).toEqual([{ kind: 'line', line: 'Église' }]);
  });

  it('drops arrow keys, control bytes and invalid UTF-8 (binary garbage) and stays usable', () => {
    const ed = new LineEditor();
    const garbage = [
      0x00, 0x1b, 0x5b, 0x41, 0xff, 0xfe, 0x80, 0x01, 0x1b, 0x5b, 0x31, 0x3b, 0x35, 0x43, 0xc3,
    ];
    const r = ed.feed(bytes([...garbage, ...Buffer.from('status\r')]));
    expect(r.events).toEqual([{ kind: 'line', line: 'status' }]);
    expect(r.echo).toBe('status\r\n');
  });

  it('refuses a line past the cap as a whole, rings once, and takes the next line normally', () => {
    const ed = new LineEditor({ maxBytes: 16 });
    const r = ed.feed(bytes(`${'x'.repeat(40)}\rstatus\r`));
    expect(r.events).toEqual([
      { kind: 'too-long', maxBytes: 16 },
      { kind: 'line', line: 'status' },
    ]);
    expect(r.echo).toBe(`${'x'.repeat(16)}\u0007\r\nstatus\r\n`);
  });

  it('Ctrl-C abandons the line; Ctrl-U erases it', () => {
    const ed = new LineEditor();
    expect(ed.feed(bytes([...Buffer.from('node rev'), 0x03])).events).toEqual([{ kind: 'interrupt' }]);
    const r = ed.feed(bytes([...Buffer.from('abc'), 0x15, ...Buffer.from('help\r')]));
    expect(r.echo).toBe('abc\b \b\b \b\b \bhelp\r\n');
    expect(r.events).toEqual([{ kind: 'line', line: 'help' }]);
  });

  it('a tab is typed as a space', () => {
    expect(new LineEditor().feed(bytes('node\tlist\r')).events).toEqual([
      { kind: 'line', line: 'node list' },
    ]);
  });
});
