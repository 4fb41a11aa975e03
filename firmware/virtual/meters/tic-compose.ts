import type { TicMode } from '../../../protocol/interop/tic.ts';
import { ticChecksum } from '../../agent/meters/tic-frame.ts';

/**
 * Writes TIC frames as a meter does (Enedis-NOI-CPT_54E, ERDF-NOI-CPT_02E): for the virtual Linky of
 * the demo and for the tests, which feed them to the reader through a pseudo-terminal. Bytes are
 * 7-bit ASCII; a pseudo-terminal has no parity bit to add.
 */

/** [label, value] or, standard mode only, [label, value, timestamp] */
export type TicField = readonly [string, string] | readonly [string, string, string];

export function ticGroup(mode: TicMode, field: TicField): string {
  const [label, value, timestamp] = field;
  if (mode === 'historique') {
    const body = `${label} ${value}`;
    return `\n${body} ${ticChecksum(body)}\r`;
  }
  const body = timestamp === undefined ? `${label}\t${value}\t` : `${label}\t${timestamp}\t${value}\t`;
  return `\n${body}${ticChecksum(body)}\r`;
}

/** STX, the groups, ETX. */
export function ticFrame(mode: TicMode, fields: readonly TicField[]): string {
  return `\x02${fields.map((f) => ticGroup(mode, f)).join('')}\x03`;
}

/** A standard-mode timestamp: season (E summer, H winter) then YYMMDDhhmmss, local time. */
export function ticTimestamp(date: Date, summer: boolean): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${summer ? 'E' : 'H'}${p(date.getFullYear() % 100)}${p(date.getMonth() + 1)}${p(date.getDate())}${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}
