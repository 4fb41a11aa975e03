import type { Kit } from '../../protocol/kit.ts';
import { type Layout, layoutKit, ROW, type WireRoute } from './layout.ts';
import { ROLE_ORDER, ROLE_STYLES, WIRE_HEX, type WireRole } from './wire-style.ts';

/**
 * Renders a kit's wiring diagram as a standalone SVG string. The output depends on kit.json alone: no
 * dates, no random ids, integer coordinates, kit order kept, so a regenerated file is byte-for-byte
 * identical and a stale committed diagram shows up as a test failure.
 */

const FONT = "font-family='DejaVu Sans, Verdana, Arial, sans-serif'";
const INK = '#222222';

export function renderWiringSvg(kit: Kit): string {
  const layout = layoutKit(kit);
  const legendY = layout.bottom + 10;
  const rolesUsed = ROLE_ORDER.filter((r) => layout.wires.some((w) => w.role === r));
  const tableY = legendY + 30 + Math.ceil(rolesUsed.length / 2) * 24 + 16;
  const height = tableY + 28 + kit.connections.length * 20 + 24 + kit.parts.length * 18 + 40;
  const out: string[] = [
    `<svg xmlns='http://www.w3.org/2000/svg' width='${layout.width}' height='${height}' viewBox='0 0 ${layout.width} ${height}' ${FONT} font-size='13'>`,
    `<title>${esc(`${kit.name.en} — wiring (${kit.id})`)}</title>`,
    '<defs><pattern id="holes" width="10" height="10" patternUnits="userSpaceOnUse"><circle cx="5" cy="5" r="1.2" fill="#c9c2b2"/></pattern></defs>',
    `<rect width='${layout.width}' height='${height}' fill='#ffffff'/>`,
    text(20, 34, `${kit.name.en} / ${kit.name.fr}`, "font-size='20' font-weight='bold'"),
    text(
      20,
      58,
      `Kit "${kit.id}" on ${/^[AE]/.test(layout.board.label) ? 'an' : 'a'} ${layout.board.label}: every wire has a number, a colour and a line style.`,
    ),
    text(
      20,
      76,
      'Generated from kit.json by `npm run hardware:diagrams` — edit kit.json, not this file.',
      "fill='#555555'",
    ),
  ];
  out.push(...drawBoard(layout), ...drawBreadboard(layout), ...drawParts(layout));
  for (const w of layout.wires) out.push(...drawWire(w));
  for (const w of layout.wires) out.push(...drawTag(w));
  out.push(...drawNetLabels(layout));
  out.push(...drawLegend(rolesUsed, legendY), ...drawTables(kit, layout, tableY));
  out.push('</svg>', '');
  return out.join('\n');
}

function drawBoard(l: Layout): string[] {
  const b = l.board;
  const out = [
    `<rect x='${b.x}' y='${b.y}' width='${b.w}' height='${b.h}' rx='8' fill='#dcecee' stroke='${INK}' stroke-width='2'/>`,
    text(b.x + 12, b.y + 26, b.label, "font-weight='bold'"),
  ];
  for (const p of b.pins) {
    const label = p.note ? `${p.pin} · ${p.note}` : p.pin;
    out.push(
      `<rect x='${b.x + b.w - 10}' y='${p.y - 7}' width='14' height='14' fill='#ffffff' stroke='${INK}' stroke-width='1.5'/>`,
      text(b.x + b.w - 16, p.y + 5, label, "text-anchor='end' font-weight='bold'"),
    );
  }
  return out;
}

function drawBreadboard(l: Layout): string[] {
  if (!l.breadboard) return [];
  const bb = l.breadboard;
  const out = [
    `<rect x='${bb.x}' y='${bb.y}' width='${bb.w}' height='${bb.h}' rx='6' fill='#f6f3ec' stroke='#8a8270' stroke-width='1.5'/>`,
    `<rect x='${bb.x}' y='${bb.y}' width='${bb.w}' height='${bb.h}' rx='6' fill='url(#holes)'/>`,
    text(bb.x + 8, bb.y + 18, 'breadboard', "fill='#6b6452' font-style='italic'"),
  ];
  for (const n of l.nets) {
    out.push(
      `<rect x='${n.x}' y='${n.y - 7}' width='${l.netW}' height='14' rx='3' fill='#e2dccd' stroke='#6b6452' stroke-width='1.5'/>`,
    );
  }
  return out;
}

/** Row names go on top of the wires, on a patch of breadboard colour, so a passing wire cannot hide them. */
function drawNetLabels(l: Layout): string[] {
  return l.nets.flatMap((n) => {
    const label = `row "${n.name}"`;
    const w = label.length * 7 + 8;
    const x = n.x + l.netW / 2;
    return [
      `<rect x='${x - Math.ceil(w / 2)}' y='${n.y - 23}' width='${Math.ceil(w / 2) * 2}' height='15' rx='3' fill='#f6f3ec'/>`,
      text(x, n.y - 11, label, "text-anchor='middle' font-size='12' fill='#403a2c'"),
    ];
  });
}

function drawParts(l: Layout): string[] {
  const out: string[] = [];
  for (const p of l.parts) {
    const dash = p.optional ? " stroke-dasharray='8 4'" : '';
    const head = p.optional ? `${p.id} (optional)` : p.id;
    // the header holds the id in bold and as much of the description as fits beside it
    const title = clip(p.title, Math.floor((l.partW - 36 - head.length * 9) / 6.3));
    out.push(
      `<rect x='${p.x}' y='${p.y}' width='${l.partW}' height='${p.h}' rx='6' fill='#ffffff' stroke='${INK}' stroke-width='2'${dash}/>`,
      `<rect x='${p.x}' y='${p.y}' width='${l.partW}' height='${ROW}' rx='6' fill='#eeeeee' stroke='${INK}' stroke-width='2'${dash}/>`,
      text(p.x + 10, p.y + 18, head, "font-weight='bold'"),
      text(p.x + l.partW - 10, p.y + 18, title, "text-anchor='end' font-size='11'"),
    );
    for (const pin of p.pins) {
      out.push(
        `<rect x='${p.x - 7}' y='${pin.y - 7}' width='14' height='14' fill='#ffffff' stroke='${INK}' stroke-width='1.5'/>`,
        text(p.x + 14, pin.y + 5, pin.name, "font-weight='bold'"),
      );
    }
  }
  return out;
}

function drawWire(w: WireRoute): string[] {
  const style = ROLE_STYLES[w.role];
  const d = `M${w.points.map(([x, y]) => `${x} ${y}`).join(' L')}`;
  const dash = style.dash ? ` stroke-dasharray='${style.dash}'` : '';
  const opacity = w.connection.optional ? " stroke-opacity='0.75'" : '';
  // the dark casing keeps yellow and white wires visible on white paper
  return [
    `<path d='${d}' fill='none' stroke='${INK}' stroke-width='${style.width + 2}'${dash}${opacity}/>`,
    `<path d='${d}' fill='none' stroke='${WIRE_HEX[w.connection.wire]}' stroke-width='${style.width}'${dash}${opacity}/>`,
    ...w.points
      .filter((_, i) => i === 0 || i === w.points.length - 1)
      .map(([x, y]) => `<circle cx='${x}' cy='${y}' r='3.5' fill='${INK}'/>`),
  ];
}

function drawTag(w: WireRoute): string[] {
  const [x, y] = w.tag;
  const dash = w.connection.optional ? " stroke-dasharray='3 2'" : '';
  return [
    `<circle cx='${x}' cy='${y}' r='10' fill='#ffffff' stroke='${INK}' stroke-width='1.5'${dash}/>`,
    text(x, y + 4, String(w.n), "text-anchor='middle' font-size='11' font-weight='bold'"),
  ];
}

function drawLegend(roles: readonly WireRole[], y: number): string[] {
  const out = [text(20, y + 16, 'Line styles', "font-weight='bold'")];
  roles.forEach((role, i) => {
    const x = 20 + (i % 2) * 420;
    const ly = y + 38 + Math.floor(i / 2) * 24;
    const s = ROLE_STYLES[role];
    const dash = s.dash ? ` stroke-dasharray='${s.dash}'` : '';
    out.push(
      `<path d='M${x} ${ly - 4} L${x + 70} ${ly - 4}' stroke='${INK}' stroke-width='${s.width}'${dash}/>`,
      text(x + 82, ly, s.label),
    );
  });
  return out;
}

function drawTables(kit: Kit, l: Layout, y: number): string[] {
  const out = [text(20, y, 'Wires', "font-weight='bold'")];
  const cols = [20, 60, 250, 420, 520];
  const head = ['#', 'from', 'to', 'colour', 'line'];
  head.forEach((h, i) => {
    out.push(text(cols[i] ?? 0, y + 22, h, "font-style='italic' fill='#555555'"));
  });
  l.wires.forEach((w, i) => {
    const ry = y + 42 + i * 20;
    const c = w.connection;
    const cells = [String(w.n), c.from, c.to, c.wire, `${w.role}${c.optional ? ' (optional)' : ''}`];
    cells.forEach((cell, j) => {
      out.push(text(cols[j] ?? 0, ry, cell));
    });
  });
  const py = y + 42 + l.wires.length * 20 + 14;
  out.push(text(20, py, 'Parts', "font-weight='bold'"));
  kit.parts.forEach((p, i) => {
    const line = `${p.id}: ${p.qty} × ${p.part}${p.optional ? ' (optional)' : ''}`;
    out.push(text(20, py + 20 + i * 18, clip(line, 130), "font-size='12'"));
  });
  return out;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x='${x}' y='${y}'${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
