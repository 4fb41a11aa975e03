/** True for a host that stays on this machine: localhost, 127.0.0.0/8, ::1, a Unix socket path. */
export function isLoopback(host: string | undefined): boolean {
  if (host === undefined || host === '' || host === 'localhost') return true;
  if (host.startsWith('/')) return true;
  const h = host.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  return /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1';
}

/** For "address:port" as /proc shows peers; 0.0.0.0 and :: are unconnected sockets. */
export function isLoopbackAddress(addr: string): boolean {
  return (
    /^127\./.test(addr) || addr.startsWith('[::1]') || addr.startsWith('0.0.0.0:') || addr.startsWith('[::]')
  );
}
