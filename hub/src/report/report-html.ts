import type { ChallengeView } from '../../../protocol/challenge.ts';
import type { MonthFigures, MonthReport, PoorAirDay } from './month-report.ts';
import { type ReportLang, word } from './report-words.ts';

/**
 * The monthly report as one printable HTML page: black and white, A4, charts as inline SVG (crisp
 * in print), no script and nothing from outside. Served by the hub with its stylesheet at
 * `/report/report.css` (its Content-Security-Policy refuses inline styles); written to a file by the
 * console with the stylesheet inside.
 */
export const REPORT_CSS = `@page { size: A4; margin: 14mm 14mm 12mm; }
html { font-family: "DejaVu Sans", "Noto Sans", system-ui, sans-serif; color: #000; background: #fff; font-size: 10pt; line-height: 1.35; }
body { margin: 0 auto; max-width: 182mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0; }
h2 { font-size: 12pt; margin: 5mm 0 1.5mm; border-bottom: 0.4mm solid #000; padding-bottom: 0.8mm; break-after: avoid; }
p { margin: 0 0 1.5mm; }
.sub { margin-bottom: 3mm; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2mm; }
th, td { border-bottom: 0.2mm solid #000; padding: 1mm 1.5mm; text-align: end; font-variant-numeric: tabular-nums; }
th:first-child, td:first-child { text-align: start; }
.withheld { font-style: italic; }
figure { margin: 1mm 0 2mm; break-inside: avoid; }
figcaption { font-size: 8.5pt; }
svg { width: 100%; height: auto; display: block; }
ul { margin: 0 0 1.5mm; padding-inline-start: 5mm; }
section { break-inside: avoid; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 0 8mm; }
footer { margin-top: 4mm; font-size: 8.5pt; }
@media print { body { padding: 0; } }
`;

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function formats(lang: ReportLang, timeZone: string, currency: string) {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const num = (v: number, digits = 0) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v);
  const unit = (v: string, u: string) => `${v}\u00a0${u}`;
  return {
    locale,
    energy: (wh: number) =>
      Math.abs(wh) >= 1000
        ? unit(num(wh / 1000, Math.abs(wh) >= 100_000 ? 0 : 1), 'kWh')
        : unit(num(wh), 'Wh'),
    money: (v: number) => {
      try {
        return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(v);
      } catch {
        return unit(num(v, 2), currency);
      }
    },
    mass: (g: number) => (Math.abs(g) >= 1000 ? unit(num(g / 1000, 1), 'kg') : unit(num(g), 'g')),
    percent: (r: number) =>
      new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(r),
    change: (pct: number) =>
      new Intl.NumberFormat(locale, {
        style: 'percent',
        maximumFractionDigits: 0,
        signDisplay: 'exceptZero',
      }).format(pct / 100),
    celsius: (c: number) => unit(num(c, 1), '°C'),
    pm: (v: number) => unit(num(v), 'µg/m³'),
    ppm: (v: number) => unit(num(v), 'ppm'),
    power: (w: number) => unit(num(w, 1), 'W'),
    monthName: (month: string) =>
      new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
        Date.parse(`${month}-15T12:00:00Z`),
      ),
    day: (date: string) =>
      new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
        Date.parse(`${date}T12:00:00Z`),
      ),
    dateTime: (ts: number) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone }).format(ts),
    hour: (h: number) => `${String(h % 24).padStart(2, '0')}:00`,
  };
}

type Fmt = ReturnType<typeof formats>;

/** Bars as SVG: black on white, the scale's top value and a label under every `labelEvery`-th bar. */
function bars(
  values: (number | null)[],
  labels: string[],
  labelEvery: number,
  caption: string,
  topLabel: (max: number) => string,
): string {
  const W = 720;
  const H = 150;
  const top = 14;
  const bottom = 18;
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  const step = W / Math.max(1, values.length);
  const h = (v: number) => (max > 0 ? ((H - top - bottom) * v) / max : 0);
  const parts = values.map((v, i) => {
    const x = i * step + step * 0.15;
    const w = step * 0.7;
    const label =
      i % labelEvery === 0
        ? `<text x="${(x + w / 2).toFixed(1)}" y="${H - 4}" font-size="10" text-anchor="middle">${esc(labels[i] ?? '')}</text>`
        : '';
    if (v === null)
      return `${label}<text x="${(x + w / 2).toFixed(1)}" y="${H - bottom - 2}" font-size="9" text-anchor="middle">–</text>`;
    const bh = h(v);
    return `${label}<rect x="${x.toFixed(1)}" y="${(H - bottom - bh).toFixed(1)}" width="${w.toFixed(1)}" height="${bh.toFixed(1)}" fill="#000"/>`;
  });
  const scale = max > 0 ? `<text x="0" y="10" font-size="10">max ${esc(topLabel(max))}</text>` : '';
  return `<figure><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(caption)}" xmlns="http://www.w3.org/2000/svg">
<line x1="0" y1="${H - bottom}" x2="${W}" y2="${H - bottom}" stroke="#000" stroke-width="1"/>${scale}${parts.join('')}</svg>
<figcaption>${esc(caption)}</figcaption></figure>`;
}

function figureCells(f: MonthFigures, lang: ReportLang, fmt: Fmt): string[] {
  if (f.kind === 'withheld') return Array(3).fill(`<td class="withheld">${word(lang, 'withheld')}</td>`);
  if (f.kind === 'none') return Array(3).fill(`<td class="withheld">${word(lang, 'none')}</td>`);
  return [
    `<td>${fmt.energy(f.total.wh)}</td>`,
    `<td>${fmt.money(f.total.cost)}</td>`,
    `<td>${fmt.mass(f.total.co2g)}</td>`,
  ];
}

function monthSection(r: MonthReport, lang: ReportLang, fmt: Fmt): string {
  const rows = (
    [
      ['thisMonth', r.figures],
      ['previous', r.previous],
      ['lastYear', r.lastYear],
    ] as const
  ).map(
    ([key, f]) => `<tr><th scope="row">${word(lang, key)}</th>${figureCells(f, lang, fmt).join('')}</tr>`,
  );
  const notes: string[] = [];
  if ([r.figures, r.previous, r.lastYear].some((f) => f.kind === 'withheld'))
    notes.push(word(lang, 'withheldNote', { k: r.privacyK }));
  if (r.figures.kind === 'figures' && r.figures.withheldHours > 0)
    notes.push(word(lang, 'partNote', { n: r.figures.withheldHours }));
  const labels = r.days.map((d) => String(Number(d.date.slice(8))));
  return `<section><h2>${word(lang, 'month')}</h2>
<table><thead><tr><th></th><th scope="col">${word(lang, 'energy')}</th><th scope="col">${word(lang, 'cost')}</th><th scope="col">${word(lang, 'co2')}</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>
${notes.map((n) => `<p>${esc(n)}</p>`).join('')}
${bars(
  r.days.map((d) => d.wh),
  labels,
  2,
  word(lang, 'daysChart'),
  fmt.energy,
)}</section>`;
}

function peakSection(r: MonthReport, lang: ReportLang, fmt: Fmt): string {
  const line =
    r.peakHour === null
      ? word(lang, 'peakNone')
      : word(lang, 'peakLine', {
          from: fmt.hour(r.peakHour),
          to: fmt.hour(r.peakHour + 1),
          energy: fmt.energy(r.hours[r.peakHour] ?? 0),
        });
  const labels = r.hours.map((_, h) => String(h));
  return `<section><h2>${word(lang, 'peak')}</h2><p>${esc(line)}</p>${bars(r.hours, labels, 2, word(lang, 'hoursChart'), fmt.energy)}</section>`;
}

function challengeLine(c: ChallengeView, lang: ReportLang, fmt: Fmt): string {
  const head = `${esc(c.title)} (${fmt.day(c.date)}, ${c.from}–${c.to}, ${fmt.change(c.targetPct)})`;
  const colon = word(lang, 'colon');
  if (c.state !== 'done') return `${head}${colon}${word(lang, 'challengeOpen')}`;
  const f = c.figures;
  if (!f) return `${head}${colon}${word(lang, 'challengeWithheld')}`;
  return `${head}${colon}${esc(
    word(lang, 'challengeResult', {
      change: fmt.change(f.changePct),
      energy: fmt.energy(f.savedWh),
      cost: fmt.money(f.savedCost),
      co2: fmt.mass(f.savedCo2g),
      verdict: word(lang, f.met ? 'met' : 'missed'),
    }),
  )}`;
}

function sideSections(r: MonthReport, lang: ReportLang, fmt: Fmt): string {
  const challenges =
    r.challenges.length === 0
      ? `<p>${word(lang, 'challengesNone')}</p>`
      : `<ul>${r.challenges.map((c) => `<li>${challengeLine(c, lang, fmt)}</li>`).join('')}</ul>`;
  const w = r.weather;
  const days = (list: string[]) => list.map(fmt.day).join(', ');
  const weather = !w
    ? `<p>${word(lang, 'weatherNone')}</p>`
    : `<p>${esc(w.hotDays.length ? word(lang, 'hotDays', { c: fmt.celsius(w.heatDayC), days: days(w.hotDays) }) : word(lang, 'noHot'))}</p>
<p>${esc(w.frostDays.length ? word(lang, 'frostDays', { c: fmt.celsius(w.coldC), days: days(w.frostDays) }) : word(lang, 'noFrost'))}</p>`;
  const a = r.air;
  const airLine = (d: PoorAirDay) =>
    word(lang, d.reason === 'pm25' ? 'airPm25' : 'airCo2', {
      day: fmt.day(d.date),
      place: d.place,
      value: d.reason === 'pm25' ? fmt.pm(d.value) : fmt.ppm(d.value),
    });
  const air = !a
    ? `<p>${word(lang, 'airNone')}</p>`
    : `<p>${esc(word(lang, 'airRule', { pm: fmt.pm(a.pm25DayLimit), co2: fmt.ppm(a.co2HourLimit) }))}</p>
${a.days.length === 0 ? `<p>${esc(word(lang, 'airNoDay'))}</p>` : `<ul>${a.days.map((d) => `<li>${esc(airLine(d))}</li>`).join('')}</ul>`}`;
  const p = r.production;
  const share = (v: number | null) => (v === null ? word(lang, 'shareWithheld') : fmt.percent(v));
  const production = !p
    ? `<p>${word(lang, 'productionNone')}</p>`
    : `<p>${esc(word(lang, 'produced', { produced: fmt.energy(p.producedWh), consumed: fmt.energy(p.consumedWh) }))}</p>
<p>${esc(word(lang, 'sufficiency', { share: share(p.selfSufficiency) }))}</p>
<p>${esc(word(lang, 'consumption', { share: share(p.selfConsumption) }))}</p>`;
  return `<div class="cols">
<section><h2>${word(lang, 'challenges')}</h2>${challenges}</section>
<section><h2>${word(lang, 'production')}</h2>${production}</section>
<section><h2>${word(lang, 'weather')}</h2>${weather}</section>
<section><h2>${word(lang, 'footprint')}</h2><p>${esc(word(lang, 'footprintLine', { w: fmt.power(r.hubPowerW), energy: fmt.energy(r.hubWh) }))}</p></section>
</div>
<section><h2>${word(lang, 'air')}</h2>${air}</section>
<section><h2>${word(lang, 'who')}</h2>
<p>${esc(r.households === null ? word(lang, 'householdsNone') : word(lang, 'households', { n: r.households }))}</p>
<p>${esc(word(lang, 'rule', { k: r.privacyK }))}</p></section>
<section><h2>${word(lang, 'join')}</h2><p>${esc(word(lang, 'joinLine'))}</p><p>${esc(word(lang, 'leaveLine'))}</p></section>`;
}

/** The whole page. `css`: `link` to the hub's stylesheet, or `inline` for a file read on its own. */
export function reportHtml(r: MonthReport, lang: ReportLang, css: 'link' | 'inline'): string {
  const fmt = formats(lang, r.timeZone, r.currency);
  const title = `${r.neighbourhood} · ${word(lang, 'title')} · ${fmt.monthName(r.month)}`;
  const style =
    css === 'link' ? '<link rel="stylesheet" href="/report/report.css">' : `<style>${REPORT_CSS}</style>`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>${style}</head>
<body>
<header><h1>${esc(r.neighbourhood)} · ${esc(fmt.monthName(r.month))}</h1><p class="sub">${word(lang, 'title')}. ${word(lang, 'subtitle')}</p></header>
${monthSection(r, lang, fmt)}
${peakSection(r, lang, fmt)}
${sideSections(r, lang, fmt)}
<footer><p>${esc(word(lang, 'generated', { date: fmt.dateTime(r.ts) }))}</p></footer>
</body></html>
`;
}
