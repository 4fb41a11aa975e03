/**
 * Step 1 of ingest for JSON payloads: bytes → a JSON value. Devices built on ArduinoJson or Tasmota
 * write a failed sensor as a bare `NaN`, `nan`, `Infinity` or `inf`, which is not JSON. Such a
 * token is turned into `null` so that the other readings of the message survive and the bad one
 * is rejected on its own as `not_finite`.
 */
const NON_FINITE_TOKEN = /([:[,]\s*)-?(?:NaN|nan|Infinity|inf)(?=\s*[,}\]])/g;

export type ParsedPayload = { ok: true; value: unknown } | { ok: false; detail: string };

export function parseJsonPayload(payload: Buffer | string): ParsedPayload {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const repaired = text.replace(NON_FINITE_TOKEN, '$1null');
    if (repaired !== text) {
      try {
        return { ok: true, value: JSON.parse(repaired) };
      } catch {
        // fall through to the original error, which names the first bad character
      }
    }
    return { ok: false, detail: (err as Error).message.slice(0, 120) };
  }
}
