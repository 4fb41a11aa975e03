import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kitPath, readKit } from '../kit-files.ts';

const guide = (id: string, lang: string) => readFileSync(kitPath(id, `guide.${lang}.md`), 'utf8');
const bom = (id: string) => readFileSync(kitPath(id, 'bom.csv'), 'utf8');
/** A number as each guide writes it: 0.3 in English, 0,3 in French. */
const written = (n: number, digits: number, lang: string) =>
  n.toFixed(digits).replace('.', lang === 'fr' ? ',' : '.');

/** ATmega328P datasheet, DC characteristics: a high input is at least 0.6 × VCC (VCC 2.4-5.5 V). */
const VIH_FRACTION = 0.6;
/** Nova Fitness SDS011 laser PM2.5 sensor specification V1.3: UART at 3.3 V TTL levels. */
const SDS011_TX_HIGH = 3.3;

/**
 * What builders found in the field, written into the guides: each figure is computed here from the
 * kit and the datasheets, so a guide cannot drift from them.
 */
describe('hardware guides: field notes', () => {
  it.each(['en', 'fr'])(
    'current clamp (%s): unclip before unplugging the jack (an open CT on a live wire)',
    (lang) => {
      const safety = guide('current-clamp', lang).split(/^## /m)[1] ?? '';
      expect(safety).toMatch(
        lang === 'en'
          ? /unclip the clamp[^.]*before[^.]*unplug/i
          : /ouvrez la pince[^.]*avant de débrancher/i,
      );
    },
  );

  it.each(['en', 'fr'])(
    'current clamp (%s): the smallest load it tells from noise, from its calibration',
    async (lang) => {
      const kit = await readKit('current-clamp');
      const clamp = kit.sensors.find((s) => s.type === 'current-clamp');
      if (clamp?.type !== 'current-clamp') throw new Error('the kit has no clamp');
      // one step of the 10-bit ADC at 5 V, in amperes at the clamp, at the mains voltage
      const floorW = (5 / 1024) * clamp.ampsPerVolt * clamp.mainsVolts;
      const line = guide('current-clamp', lang)
        .split('\n')
        .find((l) => (lang === 'en' ? /noise/i : /bruit/i).test(l) && /\d+ W/.test(l));
      const stated = Number(/(\d+) W/.exec(line ?? '')?.[1]);
      expect(Math.abs(stated - floorW) / floorW).toBeLessThan(0.15);
    },
  );

  it('current clamp: the BOM offers a screw-terminal jack (no soldering)', () => {
    expect(bom('current-clamp')).toMatch(/^jack,[^\n]*screw terminals/m);
  });

  it.each(['en', 'fr'])(
    'meter pulses (%s): a dim LED gets a larger pull-down, 47-100 kΩ, listed in the BOM',
    (lang) => {
      expect(bom('meter-pulses')).toMatch(/^r-dim,"47-100 kΩ resistor/m);
      expect(guide('meter-pulses', lang)).toMatch(/47[-–]100 kΩ/);
      expect(guide('meter-pulses', lang)).toMatch(lang === 'en' ? /dim/i : /faible/i);
    },
  );

  it.each(['en', 'fr'])(
    'indoor climate (%s): a bare 3.3 V sensor board needs a level shifter on SDA/SCL',
    (lang) => {
      expect(bom('indoor-climate')).toMatch(/^shifter,[^\n]*level shifter/m);
      expect(guide('indoor-climate', lang)).toMatch(
        lang === 'en' ? /level shifter[^.]*SDA/i : /adaptateur de niveaux?[^.]*SDA/i,
      );
    },
  );

  it.each(['en', 'fr'])(
    "outdoor air (%s): the SDS011's 3.3 V TX into a 5 V Uno, its margin and what to do",
    (lang) => {
      const margin = SDS011_TX_HIGH - VIH_FRACTION * 5;
      const text = guide('outdoor-air', lang);
      expect(text).toContain(`${written(margin, 1, lang)} V`);
      expect(text).toMatch(lang === 'en' ? /level shifter/i : /adaptateur de niveaux?/i);
      expect(bom('outdoor-air')).toMatch(/^shifter,[^\n]*level shifter/m);
    },
  );
});
