import type { Family, Sample } from './hub-figures.ts';

/**
 * Metric families as text Prometheus scrapes: the classic text format (version 0.0.4) by default,
 * OpenMetrics 1.0.0 when the scraper asks for it in `Accept`. Both are specified by the Prometheus
 * project ("Exposition formats"; OpenMetrics, RFC draft): one `# HELP` and `# TYPE` a family,
 * then one line a sample; OpenMetrics adds `# UNIT` and ends with `# EOF`.
 */
export const TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept?.includes('application/openmetrics-text') === true;
}

export function renderText(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    // the classic format names a counter's family after its samples (`_total`)
    const name = f.type === 'counter' ? `${f.name}_total` : f.name;
    lines.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`);
    for (const s of f.samples) lines.push(sample(f.name, s, false));
  }
  return `${lines.join('\n')}\n`;
}

export function renderOpenMetrics(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# TYPE ${f.name} ${f.type}`);
    if (f.unit) lines.push(`# UNIT ${f.name} ${f.unit}`);
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
    for (const s of f.samples) lines.push(sample(f.name, s, true));
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function sample(name: string, s: Sample, open: boolean): string {
  const labels = Object.entries(s.labels ?? {});
  const text = labels.length
    ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(k === 'le' && open ? canonicalLe(v) : v)}"`).join(',')}}`
    : '';
  return `${name}${s.suffix ?? ''}${text} ${number(s.value)}`;
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** OpenMetrics writes bucket bounds as floats: "1.0", not "1". */
function canonicalLe(v: string): string {
  return /^\d+$/.test(v) ? `${v}.0` : v;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
