import fs from 'node:fs';
import path from 'node:path';
import { monthReport } from '../report/month-report.ts';
import { reportHtml } from '../report/report-html.ts';
import type { ReportLang } from '../report/report-words.ts';
import type { Command } from './command.ts';
import { CommandError } from './command.ts';

const USAGE = 'report YYYY-MM [--lang fr|en]';

/**
 * The monthly notice-board report on the console (docs/COLLECTIVE.md): written as a page that
 * prints on its own (its stylesheet inside) to `reports/` in the data directory, in French and
 * English unless one is asked for; the hub serves the same page at /report/YYYY-MM.
 */
export const reportWrite: Command = {
  name: 'report',
  usage: USAGE,
  summary: 'writes the monthly notice-board report (printable HTML, FR and EN) to reports/',
  summaryFr: 'écrit le bilan du mois pour le panneau d’affichage (HTML imprimable, FR et EN) dans reports/',
  options: { lang: { type: 'string' } },
  run(ctx, { positionals, values }, io) {
    const [month, ...extra] = positionals;
    if (!month || extra.length > 0 || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
      throw new CommandError(
        `give the month as YYYY-MM, such as 2026-11, got "${month ?? ''}" — usage: ${USAGE}`,
      );
    const lang = values.lang;
    if (lang !== undefined && lang !== 'fr' && lang !== 'en')
      throw new CommandError(`--lang must be fr or en, got "${String(lang)}" — usage: ${USAGE}`);
    const langs: ReportLang[] = lang ? [lang] : ['fr', 'en'];
    const dir = path.join(ctx.dataDir, 'reports');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const report = monthReport(ctx, month);
    for (const l of langs) {
      const file = path.join(dir, `report-${month}-${l}.html`);
      fs.writeFileSync(file, reportHtml(report, l, 'inline'));
      io.out(`wrote ${file}`);
    }
    const base = ctx.settings.get().publicUrl.replace(/\/$/, '');
    io.out(`the hub serves it at ${base}/report/${month}?lang=fr (or ?lang=en): print it from a browser, A4`);
    return 0;
  },
};

export const REPORT_COMMANDS: Command[] = [reportWrite];
