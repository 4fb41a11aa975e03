import fs from 'node:fs';

/** Remote addresses of a process's TCP sockets, read by the OS (/proc), not by the process itself. */
export function remoteAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // the descriptor closed while we looked
    }
  }
  const out: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9] as string) || f[3] === '0A') continue; // 0A: LISTEN
      out.push(decode(f[2] as string));
    }
  }
  return out;
}

/** /proc/net/tcp writes addresses as little-endian 32-bit words in hex. */
function decode(hexAddr: string): string {
  const [hex, port] = hexAddr.split(':') as [string, string];
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  const p = Number.parseInt(port, 16);
  if (bytes.length === 4) return `${bytes.join('.')}:${p}`;
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255)
    return `${bytes.slice(12).join('.')}:${p}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return `[${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]:${p}`;
}
