import { KIT_BOARDS, type Kit, type KitConnection, parseEndpoint } from '../../protocol/kit.ts';
import { boardPinNote, boardPinRole, type WireRole } from './wire-style.ts';

/**
 * Where everything sits in a wiring diagram: the board on the left, breadboard rows in the middle,
 * the parts on the right, and every wire routed orthogonally through its own vertical lane so no two
 * wires overlap along their length. All coordinates are integers so the SVG text is stable.
 */

export const ROW = 26;
const TOP = 96;
const LANE = 14;
const BOARD_X = 20;
const BOARD_W = 170;
const PART_W = 290;
const PART_HEAD = 34;
const NET_W = 150;

export interface BoardPinSpot {
  pin: string;
  note: string;
  y: number;
}
export interface PartBox {
  id: string;
  title: string;
  optional: boolean;
  x: number;
  y: number;
  h: number;
  pins: { name: string; y: number }[];
}
export interface NetStrip {
  name: string;
  x: number;
  y: number;
}
export interface WireRoute {
  n: number;
  connection: KitConnection;
  role: WireRole;
  points: [number, number][];
  tag: [number, number];
}
export interface Layout {
  width: number;
  bottom: number;
  board: { x: number; y: number; w: number; h: number; label: string; pins: BoardPinSpot[] };
  breadboard?: { x: number; y: number; w: number; h: number };
  nets: NetStrip[];
  netW: number;
  parts: PartBox[];
  partW: number;
  wires: WireRoute[];
}

/** Rails first, then digital, then analog pins, each in the board's own order. */
function boardPinOrder(kit: Kit): string[] {
  const b = KIT_BOARDS[kit.board];
  const order = [...b.rails, ...b.digital, ...b.analog, 'AREF'];
  const used = new Set(
    kit.connections.map((c) => parseEndpoint(c.to)).flatMap((e) => (e.kind === 'board' ? [e.pin] : [])),
  );
  return order.filter((p) => used.has(p));
}

export function layoutKit(kit: Kit): Layout {
  const board = KIT_BOARDS[kit.board];
  const pinOrder = boardPinOrder(kit);
  const boardPins = pinOrder.map((pin, i) => ({
    pin,
    note: boardPinNote(pin, board),
    y: TOP + 44 + i * ROW + ROW / 2,
  }));
  const boardY = new Map(boardPins.map((p) => [p.pin, p.y]));

  const netNames = unique(kit.connections.flatMap((c) => [c.from, c.to]).filter((e) => e.startsWith('net:')));
  const boardLanes = kit.connections.filter((c) => parseEndpoint(c.to).kind === 'board').length;
  const rowLanes = kit.connections.length - boardLanes;
  const laneA = BOARD_X + BOARD_W + 24;
  const bbX = laneA + boardLanes * LANE + 30;
  const hasNets = netNames.length > 0;
  const laneB = hasNets ? bbX + NET_W + 40 : bbX;
  const partX = laneB + rowLanes * LANE + 40;

  const parts = placeParts(kit, partX);
  const pinY = new Map<string, number>(
    parts.flatMap((p) => p.pins.map((pin) => [`${p.id}.${pin.name}`, pin.y] as const)),
  );
  const nets = placeNets(kit, netNames, pinY, boardY, bbX + 10);
  const netY = new Map(nets.map((n) => [`net:${n.name}`, n.y]));

  // a breadboard row's role is that of the board pin it reaches; a row reaching none is internal
  const netRole = new Map<string, WireRole>();
  for (const c of kit.connections) {
    const to = parseEndpoint(c.to);
    if (c.from.startsWith('net:') && to.kind === 'board') netRole.set(c.from, boardPinRole(to.pin, board));
  }

  // longer wires take the lanes nearer the start: a short wire's last leg then never crosses them
  const plan = kit.connections.map((c, i) => {
    const to = parseEndpoint(c.to);
    const fromY = pinY.get(c.from) ?? netY.get(c.from) ?? 0;
    const startY = to.kind === 'board' ? (boardY.get(to.pin) ?? 0) : (netY.get(c.to) ?? 0);
    return { c, i, to, fromY, startY, span: Math.abs(fromY - startY) };
  });
  const laneOf = new Map<number, number>();
  for (const group of [
    plan.filter((p) => p.to.kind === 'board'),
    plan.filter((p) => p.to.kind !== 'board'),
  ]) {
    const sorted = [...group].sort((p, q) => q.span - p.span || p.i - q.i);
    for (const [k, p] of sorted.entries()) laneOf.set(p.i, k);
  }
  const wires = plan.map(({ c, i, to, fromY, startY }) => {
    const fromIsNet = c.from.startsWith('net:');
    const k = laneOf.get(i) ?? 0;
    if (to.kind === 'board') {
      const ex = fromIsNet ? bbX + 10 : partX;
      return route(
        i + 1,
        c,
        boardPinRole(to.pin, board),
        BOARD_X + BOARD_W,
        startY,
        laneA + k * LANE,
        ex,
        fromY,
      );
    }
    const ex = fromIsNet ? bbX + 10 + NET_W : partX;
    return route(i + 1, c, netRole.get(c.to) ?? 'row', bbX + 10 + NET_W, startY, laneB + k * LANE, ex, fromY);
  });

  const boardH = 44 + boardPins.length * ROW + 12;
  const partsBottom = parts.reduce((m, p) => Math.max(m, p.y + p.h), 0);
  const netsBottom = nets.reduce((m, n) => Math.max(m, n.y + 24), 0);
  const bottom = Math.max(TOP + boardH, partsBottom, netsBottom) + 30;
  return {
    width: partX + PART_W + 20,
    bottom,
    board: { x: BOARD_X, y: TOP, w: BOARD_W, h: boardH, label: board.label, pins: boardPins },
    ...(hasNets ? { breadboard: { x: bbX - 6, y: TOP, w: NET_W + 32, h: bottom - TOP - 14 } } : {}),
    nets,
    netW: NET_W,
    parts,
    partW: PART_W,
    wires,
  };
}

/** start → lane → target: three straight segments; the tag sits on the last one, by the target. */
function route(
  n: number,
  connection: KitConnection,
  role: WireRole,
  sx: number,
  sy: number,
  lane: number,
  ex: number,
  ey: number,
): WireRoute {
  const dir = ex > lane ? -1 : 1;
  return {
    n,
    connection,
    role,
    points: [
      [sx, sy],
      [lane, sy],
      [lane, ey],
      [ex, ey],
    ],
    tag: [ex + dir * 24, ey],
  };
}

function placeParts(kit: Kit, x: number): PartBox[] {
  const boxes: PartBox[] = [];
  let y = TOP;
  for (const part of kit.parts) {
    const pins = unique(
      kit.connections
        .map((c) => parseEndpoint(c.from))
        .flatMap((e) => (e.kind === 'part' && e.part === part.id ? [e.pin] : [])),
    );
    if (pins.length === 0) continue;
    const h = PART_HEAD + pins.length * ROW + 8;
    boxes.push({
      id: part.id,
      title: part.part,
      optional: part.optional === true,
      x,
      y,
      h,
      pins: pins.map((name, i) => ({ name, y: y + PART_HEAD + i * ROW + ROW / 2 })),
    });
    y += h + 18;
  }
  return boxes;
}

/**
 * A row sits at the mean height of what it joins, then moves down until it is clear of the rows above
 * and of every part pin's height (a wire running to a pin must not run along a row).
 */
function placeNets(
  kit: Kit,
  names: string[],
  pinY: Map<string, number>,
  boardY: Map<string, number>,
  x: number,
): NetStrip[] {
  const wanted = names.map((name, order) => {
    const ys = kit.connections
      .flatMap((c) => (c.to === name ? [c.from] : c.from === name ? [c.to] : []))
      .map((e) => pinY.get(e) ?? boardY.get(e) ?? 0)
      .filter((v) => v > 0);
    const mean = ys.length > 0 ? Math.round(ys.reduce((s, v) => s + v, 0) / ys.length) : TOP;
    return { name: name.slice(4), mean, order };
  });
  wanted.sort((p, q) => p.mean - q.mean || p.order - q.order);
  const taken = [...pinY.values()];
  const out: NetStrip[] = [];
  let floor = TOP + 30;
  for (const w of wanted) {
    let y = Math.max(w.mean, floor);
    while (taken.some((t) => Math.abs(t - y) < 16)) y += 3;
    out.push({ name: w.name, x, y });
    floor = y + 36;
  }
  return out;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
