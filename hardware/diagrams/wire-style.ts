import type { BoardProfile, KitConnection } from '../../protocol/kit.ts';

/**
 * How a wire is drawn. Colour alone is lost on a black-and-white printout and to colour-blind
 * readers, so every role also has its own dash pattern, and every wire carries a numbered tag.
 */
export type WireRole = 'power' | 'ground' | 'analog' | 'i2c' | 'digital' | 'row';

export interface RoleStyle {
  /** SVG stroke-dasharray, empty for a solid line */
  dash: string;
  width: number;
  label: string;
}

export const ROLE_STYLES: Record<WireRole, RoleStyle> = {
  power: { dash: '', width: 4, label: 'power (5 V / 3.3 V): solid' },
  ground: { dash: '10 4', width: 4, label: 'ground (GND): long dashes' },
  analog: { dash: '12 4 2 4', width: 3, label: 'analog input: dash-dot' },
  i2c: { dash: '2 3', width: 3, label: 'I2C bus (SDA/SCL): dotted' },
  digital: { dash: '8 3 2 3 2 3', width: 3, label: 'digital / interrupt / serial: dash-dot-dot' },
  row: { dash: '5 3', width: 2, label: 'breadboard row only: short dashes' },
};

export const ROLE_ORDER: readonly WireRole[] = ['power', 'ground', 'analog', 'i2c', 'digital', 'row'];

/** Print-friendly tones of the wire colours named in kit.json. */
export const WIRE_HEX: Record<KitConnection['wire'], string> = {
  red: '#d62728',
  black: '#1a1a1a',
  yellow: '#f2c200',
  green: '#2ca02c',
  blue: '#1f5fbf',
  white: '#ffffff',
  orange: '#ff7f0e',
  purple: '#8e44ad',
  grey: '#8c8c8c',
  brown: '#8c564b',
};

export function boardPinRole(pin: string, board: BoardProfile): WireRole {
  if (pin === 'GND') return 'ground';
  if (board.rails.includes(pin)) return 'power';
  if (pin === board.i2c.sda || pin === board.i2c.scl) return 'i2c';
  if (board.analog.includes(pin)) return 'analog';
  return 'digital';
}

/** The pin's function printed beside it on the board, where the silkscreen name alone hides it. */
export function boardPinNote(pin: string, board: BoardProfile): string {
  if (pin === board.i2c.sda) return 'SDA';
  if (pin === board.i2c.scl) return 'SCL';
  const irq = board.interrupts.indexOf(pin);
  if (board.interrupts.length === 2 && irq >= 0) return `INT${irq}`;
  return '';
}
