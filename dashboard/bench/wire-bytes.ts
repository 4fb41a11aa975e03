/**
 * Bytes on the wire per request, as Chromium's DevTools protocol reports them while a page loads:
 * `Network.dataReceived` as the body arrives (a live stream never finishes), then
 * `Network.loadingFinished` with the request's total, headers included. Times are the protocol's
 * monotonic seconds.
 */
export class WireBytes {
  private readonly events: Array<{ ts: number; bytes: number }> = [];
  private readonly perRequest = new Map<string, number>();
  /** the document request's start: the page's performance.timeOrigin, near enough */
  navigationStart = Number.NaN;

  sent(e: { type?: string; timestamp: number }): void {
    if (e.type === 'Document' && Number.isNaN(this.navigationStart)) this.navigationStart = e.timestamp;
  }

  received(e: { requestId: string; encodedDataLength: number; timestamp: number }): void {
    this.add(e.requestId, e.encodedDataLength, e.timestamp);
  }

  finished(e: { requestId: string; encodedDataLength: number; timestamp: number }): void {
    const so = this.perRequest.get(e.requestId) ?? 0;
    this.add(e.requestId, Math.max(0, e.encodedDataLength - so), e.timestamp);
  }

  /** Bytes received up to `ms` after navigation started (a performance mark's startTime). */
  until(ms: number): number {
    const limit = this.navigationStart + ms / 1000;
    return this.events.filter((e) => e.ts <= limit).reduce((a, e) => a + e.bytes, 0);
  }

  get total(): number {
    return this.events.reduce((a, e) => a + e.bytes, 0);
  }

  /** monotonic seconds of the last bytes received, to tell when the page has gone quiet */
  get lastTs(): number {
    return this.events.at(-1)?.ts ?? this.navigationStart;
  }

  private add(requestId: string, bytes: number, ts: number): void {
    if (bytes <= 0) return;
    this.perRequest.set(requestId, (this.perRequest.get(requestId) ?? 0) + bytes);
    this.events.push({ ts, bytes });
  }
}
