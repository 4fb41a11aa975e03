import { describe, expect, it } from 'vitest';
import type { CommandIO } from '../src/commands/command.ts';
import { SerialSession } from '../src/console/serial-session.ts';

function session(exec: (line: string, io: CommandIO) => Promise<number>, pageLines = 5) {
  let screen = '';
  const s = new SerialSession({ write: (t) => (screen += t), exec, who: 'serial:/dev/test', pageLines });
  return {
    s,
    type: async (text: string) => {
      s.receive(Buffer.from(text));
      await s.idle();
    },
    take: () => {
      const out = screen;
      screen = '';
      return out;
    },
  };
}

describe('SerialSession (the console on a serial line)', () => {
  it('shows a prompt, runs a line through the command layer with who = serial:<path>, prompts again', async () => {
    const seen: string[] = [];
    const t = session(async (line, io) => {
      seen.push(`${io.who} ${line}`);
      io.out('ok');
      return 0;
    });
    t.s.start();
    expect(t.take()).toBe('communs> ');
    await t.type('status\r');
    expect(seen).toEqual(['serial:/dev/test status']);
    expect(t.take()).toBe('status\r\nok\r\ncommuns> ');
  });

  it('pages a long listing: Enter shows the next page, q stops and says how much was left', async () => {
    const t = session(async (_line, io) => {
      for (let i = 1; i <= 12; i++) io.out(`line ${i}`);
      return 0;
    }, 5);
    await t.type('node list\r');
    const first = t.take();
    expect(first).toContain('line 5\r\n-- more: 7 line(s) left');
    expect(first).not.toContain('line 6');
    await t.type('\r');
    const second = t.take();
    expect(second).toContain('line 10\r\n-- more: 2 line(s) left');
    await t.type('q\r');
    expect(t.take()).toBe('q\r\n(2 more line(s) not shown)\r\ncommuns> ');
  });

  it('asks a yes/no question and reads the answer from the next line', async () => {
    const answers: boolean[] = [];
    const t = session(async (_line, io) => {
      answers.push((await io.confirm?.('Erase h1?')) ?? false);
      return 0;
    });
    t.s.receive(Buffer.from('household erase h1\r'));
    await new Promise((r) => setTimeout(r, 10));
    expect(t.take()).toContain('Erase h1? [y/N] ');
    await t.type('yes\r');
    t.s.receive(Buffer.from('household erase h1\r'));
    await new Promise((r) => setTimeout(r, 10));
    await t.type('n\r');
    expect(answers).toEqual([true, false]);
  });

  it('says "line too long" and runs nothing; stays usable', async () => {
    const seen: string[] = [];
    const t = session(async (line) => {
      seen.push(line);
      return 0;
    });
    await t.type(`${'a'.repeat(2000)}\rstatus\r`);
    expect(t.take()).toContain('error: line too long (over 1024 bytes): nothing was run\r\ncommuns> ');
    expect(seen).toEqual(['status']);
  });

  it('lines typed while a command runs are run after it, in order', async () => {
    const seen: string[] = [];
    let release: () => void = () => {};
    const t = session(async (line) => {
      seen.push(line);
      if (line === 'slow') await new Promise<void>((r) => (release = r));
      return 0;
    });
    t.s.receive(Buffer.from('slow\r'));
    await new Promise((r) => setTimeout(r, 5));
    t.s.receive(Buffer.from('one\rtwo\r'));
    release();
    await t.s.idle();
    expect(seen).toEqual(['slow', 'one', 'two']);
  });
});
