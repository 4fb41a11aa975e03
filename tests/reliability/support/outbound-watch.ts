/**
 * Preloaded into the hub process (`node --import tsx --import outbound-watch.ts …`): every
 * outgoing TCP connect, UDP send and DNS lookup is recorded, so a test can say the hub opened no
 * socket outside the loopback range (docs/DESIGN.md: no request leaves the neighbourhood). The summary
 * is written to $COMMUNS_OUTBOUND_LOG when the process exits.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import { isLoopback } from './loopback.ts';

export interface OutboundSummary {
  connects: number;
  udpSends: number;
  lookups: number;
  outside: { kind: string; target: string }[];
}

const summary: OutboundSummary = { connects: 0, udpSends: 0, lookups: 0, outside: [] };

function note(kind: string, host: string | undefined, port?: unknown): void {
  if (!isLoopback(host)) summary.outside.push({ kind, target: `${host}:${String(port ?? '')}` });
}

type ConnectArgs = unknown[];
const originalConnect = net.Socket.prototype.connect as (...args: ConnectArgs) => net.Socket;
net.Socket.prototype.connect = function (this: net.Socket, ...args: ConnectArgs): net.Socket {
  // node:net calls connect with its normalised [options, callback] array, users with (options | port, host)
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  let host: string | undefined;
  let port: unknown;
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: string; port?: unknown; path?: string };
    host = o.path ?? o.host ?? 'localhost';
    port = o.port;
  } else {
    port = first;
    host = typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  summary.connects++;
  note('tcp', host, port);
  return originalConnect.apply(this, args);
} as typeof net.Socket.prototype.connect;

const originalSend = dgram.Socket.prototype.send as (...args: unknown[]) => void;
dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]): void {
  summary.udpSends++;
  const address = args.find((a, i) => i > 0 && typeof a === 'string') as string | undefined;
  note('udp', address ?? 'connected socket');
  return originalSend.apply(this, args);
} as typeof dgram.Socket.prototype.send;

const originalLookup = dns.lookup;
dns.lookup = ((hostname: string, ...rest: unknown[]) => {
  summary.lookups++;
  note('dns', hostname);
  return (originalLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
}) as typeof dns.lookup;

process.on('exit', () => {
  const file = process.env.COMMUNS_OUTBOUND_LOG;
  if (file) fs.writeFileSync(file, JSON.stringify(summary));
});
