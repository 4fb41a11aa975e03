/**
 * A QR code as lines of plain text for a terminal, no colour: Unicode half blocks by default (two
 * rows of modules a line, ~41 columns for a link), or `##` pairs for terminals without UTF-8
 * (wider: one row a line).
 */
export async function qrLines(text: string, opts: { ascii?: boolean } = {}): Promise<string[]> {
  // loaded on the first QR code asked for, not by every hub (~2 MB of RSS)
  const { default: QRCode } = await import('qrcode');
  if (!opts.ascii) {
    const drawn = await QRCode.toString(text, { type: 'utf8', errorCorrectionLevel: 'M' });
    return drawn.replace(/\n+$/, '').split('\n');
  }
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'L' });
  const margin = 2;
  const size = modules.size;
  const lines: string[] = [];
  const blank = '  '.repeat(size + 2 * margin);
  for (let i = 0; i < margin; i++) lines.push(blank);
  for (let r = 0; r < size; r++) {
    let line = '  '.repeat(margin);
    for (let c = 0; c < size; c++) line += modules.get(r, c) ? '##' : '  ';
    lines.push(line + '  '.repeat(margin));
  }
  for (let i = 0; i < margin; i++) lines.push(blank);
  return lines;
}
