import { isTicIndex, isTicLabel, type TicMode } from '../../../protocol/interop/tic.ts';

/**
 * The groups of one TIC frame, checked (Enedis-NOI-CPT_54E for the standard mode, ERDF-NOI-CPT_02E
 * for the historic one). A group is LF, fields, CR. Historic: `label SP data SP checksum`, the
 * checksum over the label, the separator and the data, *without* the last separator. Standard:
 * `label HT [timestamp HT] data HT checksum`, *with* the last separator. In both, the checksum is
 * (sum of those bytes & 0x3F) + 0x20: a printable character, possibly a space itself, which is why
 * a group is read from its end.
 */

export type TicGroup =
  | { ok: true; mode: TicMode; label: string; value: string; timestamp?: string }
  | { ok: false; label?: string; reason: 'checksum' | 'malformed' };

const LF = '\n';
const CR = '\r';
const LABEL = /^[A-Z0-9+-]{1,10}$/;

export function ticChecksum(text: string): string {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  return String.fromCharCode((sum & 0x3f) + 0x20);
}

/** One group's text, between its LF and CR. */
export function parseTicGroup(group: string): TicGroup {
  if (group.length < 3) return { ok: false, reason: 'malformed' };
  const sep = group[group.length - 2];
  const check = group[group.length - 1];
  const mode: TicMode | undefined = sep === '\t' ? 'standard' : sep === ' ' ? 'historique' : undefined;
  if (!mode) return { ok: false, reason: 'malformed' };
  const body = group.slice(0, -2);
  const fields = mode === 'standard' ? body.split('\t') : splitOnce(body, ' ');
  const label = fields[0] ?? '';
  const readable = LABEL.test(label) ? { label } : {};
  const summed = mode === 'standard' ? group.slice(0, -1) : body;
  if (ticChecksum(summed) !== check) return { ok: false, reason: 'checksum', ...readable };
  if (!readable.label || fields.length < 2 || fields.length > 3) return { ok: false, reason: 'malformed' };
  if (fields.length === 3) return { ok: true, mode, label, timestamp: fields[1], value: fields[2] ?? '' };
  return { ok: true, mode, label, value: fields[1] ?? '' };
}

function splitOnce(text: string, sep: string): string[] {
  const at = text.indexOf(sep);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

export interface TicFrame {
  /** the mode the groups are written in (most of them, if a frame mixes), undefined without one */
  mode: TicMode | undefined;
  /** each good group's value by label, in the order sent */
  values: Map<string, string>;
  /** groups that failed their checksum or their shape: skipped, never used */
  bad: number;
  /**
   * a bad group was an index, or could have been one (its label is unreadable or unknown): the
   * frame is not used at all, so a total is never published beside a register that is missing
   */
  badIndex: boolean;
}

/** A frame's body (between STX and ETX) → its good groups, and what went wrong with the others. */
export function decodeTicFrame(body: string): TicFrame {
  const frame: TicFrame = { mode: undefined, values: new Map(), bad: 0, badIndex: false };
  const votes = { historique: 0, standard: 0 };
  let at = body.indexOf(LF);
  // bytes before the first LF belong to no group
  if (body.slice(0, at < 0 ? body.length : at).trim().length > 0) frame.bad++;
  while (at >= 0) {
    const end = body.indexOf(CR, at + 1);
    const next = body.indexOf(LF, at + 1);
    if (end < 0 || (next >= 0 && next < end)) {
      // a group without its CR: broken off; the next LF starts the next group
      countBad(frame, undefined);
      at = next;
      continue;
    }
    const group = parseTicGroup(body.slice(at + 1, end));
    if (group.ok) {
      votes[group.mode]++;
      frame.values.set(group.label, group.value);
    } else countBad(frame, group.label);
    at = next;
  }
  if (votes.historique + votes.standard > 0) {
    frame.mode = votes.standard > votes.historique ? 'standard' : 'historique';
  }
  return frame;
}

function countBad(frame: TicFrame, label: string | undefined): void {
  frame.bad++;
  if (label === undefined || !isTicLabel(label) || isTicIndex(label)) frame.badIndex = true;
}
