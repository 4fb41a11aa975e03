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

/**
 * An example frame of a historic-mode meter on a Tempo contract (option `BBR(`, 45 A): its six
 * registers, the period under way (PTEC) and tomorrow's colour (DEMAIN, `----` until announced).
 */
export function tempoHistoricFields(o: { ptec: string; demain: string; hpjw: number }): TicField[] {
  return [
    ['ADCO', '041776199904'],
    ['OPTARIF', 'BBR('],
    ['ISOUSC', '45'],
    ['BBRHCJB', '012000000'],
    ['BBRHPJB', '013000000'],
    ['BBRHCJW', '001500000'],
    ['BBRHPJW', String(o.hpjw).padStart(9, '0')],
    ['BBRHCJR', '000600000'],
    ['BBRHPJR', '000700000'],
    ['PTEC', o.ptec],
    ['DEMAIN', o.demain],
    ['IINST', '008'],
    ['IMAX', '090'],
    ['PAPP', '01850'],
    ['HHPHC', 'Y'],
    ['MOTDETAT', '000000'],
  ];
}
