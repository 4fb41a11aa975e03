/** The message every benchmark publishes: one native reading, ~110 bytes like a real node's. */
export function readingPayload(ts: number, seq: number, value: number): Buffer {
  return Buffer.from(
    `{"readings":[{"sensor":"p","quantity":"power","unit":"W","value":${value},"ts":${ts},"seq":${seq}}]}`,
  );
}

export function readingsTopic(node: string): Buffer {
  return Buffer.from(`communs/v1/nodes/${node}/readings`);
}
