import type { SignalMessage } from '../../../protocol/signal.ts';

type Lang = 'en' | 'fr';

/**
 * The signal in one sentence per language, for those who read it without the dashboard (Home
 * Assistant, MQTT, the printed report). The dashboard words the same codes from its own catalogues.
 */
export function signalWords(m: Omit<SignalMessage, 'words'>): { en: string; fr: string } {
  return { en: sentence(m, 'en'), fr: sentence(m, 'fr') };
}

function sentence(m: Omit<SignalMessage, 'words'>, lang: Lang): string {
  const until = m.offPeak.nextChange === null ? '22:00' : clockTime(m.offPeak.nextChange, m.timeZone, lang);
  const parts = [headline(m, lang, until)];
  const t = m.tomorrow;
  if (t.tempo === 'red' || t.tempo === 'white' || t.ecowatt) parts.push(tomorrowLine(m, lang));
  const w = weatherLine(m, lang);
  if (w) parts.push(w);
  if (m.today.note) parts.push(m.today.note);
  return parts.join(' ');
}

function headline(m: Omit<SignalMessage, 'words'>, lang: Lang, until: string): string {
  const r = new Set(m.reasons);
  const fr = lang === 'fr';
  if (r.has('tempo-red'))
    return fr
      ? `Jour rouge Tempo : modérons l’électricité jusqu’à ${until}.`
      : `Red Tempo day: let us hold back on electricity until ${until}.`;
  if (r.has('ecowatt-red'))
    return fr
      ? `Alerte EcoWatt rouge : le réseau est très tendu, modérons jusqu’à ${until}.`
      : `EcoWatt red alert: the grid is under great strain, let us hold back until ${until}.`;
  if (r.has('tempo-white'))
    return fr
      ? `Jour blanc Tempo : l’électricité coûte plus cher jusqu’à ${until}.`
      : `White Tempo day: electricity costs more until ${until}.`;
  if (r.has('ecowatt-orange'))
    return fr
      ? 'Alerte EcoWatt orange : le réseau est tendu, économisons ce que nous pouvons.'
      : 'EcoWatt orange alert: the grid is under strain, let us save what we can.';
  if (r.has('sun')) {
    const pct = Math.round((m.production?.share ?? 0) * 100);
    return fr
      ? `Le soleil couvre ${pct} % du quartier en ce moment : c’est le moment de lancer une machine.`
      : `The sun covers ${pct} % of the neighbourhood now — a good time for the washing machine.`;
  }
  if (r.has('off-peak'))
    return fr
      ? `Heures creuses jusqu’à ${until} : un bon moment pour les appareils gourmands.`
      : `Off-peak hours until ${until}: a good time for power-hungry appliances.`;
  return fr ? 'Heures normales.' : 'Normal hours.';
}

function tomorrowLine(m: Omit<SignalMessage, 'words'>, lang: Lang): string {
  const t = m.tomorrow;
  const fr = lang === 'fr';
  const bits: string[] = [];
  if (t.tempo === 'red') bits.push(fr ? 'jour rouge Tempo' : 'a red Tempo day');
  if (t.tempo === 'white') bits.push(fr ? 'jour blanc Tempo' : 'a white Tempo day');
  if (t.ecowatt === 'red') bits.push(fr ? 'alerte EcoWatt rouge' : 'an EcoWatt red alert');
  if (t.ecowatt === 'orange') bits.push(fr ? 'alerte EcoWatt orange' : 'an EcoWatt orange alert');
  return fr ? `Demain : ${bits.join(', ')}.` : `Tomorrow: ${bits.join(', ')}.`;
}

function weatherLine(m: Omit<SignalMessage, 'words'>, lang: Lang): string | undefined {
  const w = m.weather;
  const fr = lang === 'fr';
  const deg = (c: number | null) => `${(c ?? 0).toFixed(1).replace('.', fr ? ',' : '.')} °C`;
  switch (w.alert) {
    case 'heat':
      return fr
        ? `Canicule (${deg(w.max24)}) : prenez des nouvelles de vos voisins, surtout les plus âgés.`
        : `Heat wave (${deg(w.max24)}): check on your neighbours, the eldest first.`;
    case 'cold':
      return fr
        ? `Froid (${deg(w.min24)} cette nuit) : prenez des nouvelles de vos voisins.`
        : `Cold (${deg(w.min24)} overnight): check on your neighbours.`;
    case 'severe-cold':
    case 'extreme-cold':
      return fr
        ? `Grand froid (${deg(w.min24)}) : prenez des nouvelles de vos voisins, au moins 18 °C à l’intérieur.`
        : `Severe cold (${deg(w.min24)}): check on your neighbours; keep homes at 18 °C or more.`;
    default:
      return undefined;
  }
}

function clockTime(ts: number, timeZone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ts);
}
