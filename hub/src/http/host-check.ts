import os from 'node:os';

export interface HostCheckOptions {
  /** the address the HTTP server listens on (`--host`) */
  listenHost: string;
  /** the `url` setting (`settings set url`), '' when unset; read when a name is not known */
  url: () => string;
  hostname?: () => string;
  interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  now?: () => number;
}

const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];
/** a name not on the list makes the list be built again (interfaces come and go), at most this often */
const REBUILD_MS = 5_000;

/**
 * Which `Host` headers the HTTP API answers (docs/API.md, "Names"). A web page a resident opens can
 * point its own domain at the hub's address (DNS rebinding) and then read the API as if it were its
 * own site: its requests carry its own name in `Host`. So the hub answers only to its own names and
 * addresses: the one it listens on; on loopback the localhost names; on 0.0.0.0 or :: every
 * interface address, the machine's hostname (and `hostname.local`) and the localhost names; the
 * hostname on a LAN address too; and the name of the `url` setting. The port is not compared.
 */
export class HostCheck {
  private readonly opts: HostCheckOptions;
  private readonly now: () => number;
  private allowed = new Set<string>();
  private builtAt = Number.NEGATIVE_INFINITY;
  private builtUrl: string | undefined;

  constructor(opts: HostCheckOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** True when the hub answers a request with this `Host` header; no header (HTTP/1.0) passes. */
  allows(header: string | undefined): boolean {
    if (header === undefined) return true;
    const name = hostName(header);
    if (name === undefined) return false;
    if (this.opts.url() !== this.builtUrl) this.build();
    if (this.allowed.has(name)) return true;
    if (this.now() - this.builtAt < REBUILD_MS) return false;
    this.build();
    return this.allowed.has(name);
  }

  private build(): void {
    const { listenHost } = this.opts;
    const names = new Set<string>();
    const listen = normalise(listenHost);
    const wildcard = listen === '0.0.0.0' || listen === '::';
    if (!wildcard) names.add(listen);
    if (wildcard || isLoopback(listen)) for (const n of LOCAL_NAMES) names.add(n);
    if (!isLoopback(listen)) {
      const hostname = normalise((this.opts.hostname ?? os.hostname)());
      if (hostname) names.add(hostname).add(`${hostname.replace(/\.local$/, '')}.local`);
    }
    if (wildcard) {
      for (const list of Object.values((this.opts.interfaces ?? os.networkInterfaces)())) {
        for (const i of list ?? []) names.add(normalise(i.address));
      }
    }
    const url = this.opts.url();
    try {
      if (url) names.add(normalise(new URL(url).hostname));
    } catch {
      // an unreadable url setting names nothing; the console refuses to set one
    }
    this.allowed = names;
    this.builtUrl = url;
    this.builtAt = this.now();
  }
}

/** The name of a Host header without its port, lower-case, brackets and final dot removed. */
function hostName(header: string): string | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:@/[\]]+))(?::\d{1,5})?$/.exec(header.trim());
  const name = m?.[1] ?? m?.[2];
  return name ? normalise(name) : undefined;
}

function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

function isLoopback(name: string): boolean {
  return name === 'localhost' || name === '::1' || /^127\./.test(name);
}
