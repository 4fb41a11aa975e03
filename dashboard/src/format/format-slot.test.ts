import { describe, expect, it } from 'vitest';
import { formatSlot, formatSlotLong } from './format-slot.ts';

const monday = new Date(2026, 2, 9, 14).getTime();

describe('formatSlot', () => {
  it('labels bars briefly, in the page language', () => {
    expect(formatSlot(monday, 'hour', 'fr')).toBe('14 h');
    expect(formatSlot(monday, 'hour', 'en-GB')).toBe('14');
    expect(formatSlot(monday, 'day', 'fr', true)).toBe('lun.\n9');
    expect(formatSlot(monday, 'day', 'en', true)).toBe('Mon\n9');
    expect(formatSlot(monday, 'day', 'fr')).toBe('9');
    expect(formatSlot(new Date(2026, 1, 1).getTime(), 'month', 'fr')).toBe('févr.');
  });

  it('says them in full for tooltips and screen readers', () => {
    expect(formatSlotLong(monday, 'hour', 'fr')).toBe('14:00\u2009–\u200915:00');
    expect(formatSlotLong(monday, 'day', 'en-GB')).toBe('Monday 9 March');
    expect(formatSlotLong(monday, 'month', 'fr')).toBe('mars 2026');
  });
});
