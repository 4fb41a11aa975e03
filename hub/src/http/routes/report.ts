import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubContext } from '../../context.ts';
import { monthReport } from '../../report/month-report.ts';
import { REPORT_CSS, reportHtml } from '../../report/report-html.ts';
import { reportLang } from '../../report/report-words.ts';
import { HttpError, SECURITY_HEADERS } from '../respond.ts';

const MONTH = /^\/report\/(\d{4}-(0[1-9]|1[0-2]))$/;

/**
 * GET /report/YYYY-MM: the monthly notice-board report as a printable page (docs/API.md), in French
 * or English (`?lang=`, else Accept-Language); /report/report.css its stylesheet.
 */
export function report(ctx: HubContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  if (url.pathname === '/report/report.css') return send(res, 'text/css; charset=utf-8', REPORT_CSS);
  const month = MONTH.exec(url.pathname)?.[1];
  if (!month)
    throw new HttpError(
      400,
      `a report is /report/YYYY-MM, such as /report/2026-11, got "${url.pathname.slice(0, 40)}"`,
    );
  const lang = reportLang(url.searchParams.get('lang'), req.headers['accept-language']);
  send(res, 'text/html; charset=utf-8', reportHtml(monthReport(ctx, month), lang, 'link'), lang);
}

function send(res: ServerResponse, type: string, body: string, lang?: string): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(lang ? { 'content-language': lang, vary: 'accept-language' } : {}),
  });
  res.end(body);
}
