import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { ExportParams, seriesName } from '../../../../protocol/index.ts';
import type { HubContext } from '../../context.ts';
import { isOpenData } from '../../privacy.ts';
import { parseParams, rangeOf } from '../params.ts';
import { SECURITY_HEADERS } from '../respond.ts';

const PAGE = 2000;
const CSV_HEADER = 'series,node,sensor,quantity,unit,ts,iso_time,value,demo\n';

/**
 * GET /api/export: the open data (series of households sharing at level `open`), streamed page by
 * page with keyset pagination, so memory stays constant and SQLite is never held by a slow reader.
 */
export async function exportData(
  ctx: HubContext,
  params: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  const query = parseParams(ExportParams, params);
  const { format } = query;
  const { from, to } = rangeOf(query, ctx.now(), 365 * 86_400_000 * 100);
  const sensors = ctx.registry
    .allSensors()
    .filter((s) => isOpenData(ctx.registry.householdOfSensor(s.id)))
    .sort((a, b) => a.id - b.id);
  const raw = ctx.store.raw;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'content-disposition': `attachment; filename="communs-open-data.${format}"`,
    'cache-control': 'no-store',
  });
  if (format === 'csv') res.write(CSV_HEADER);
  for (const s of sensors) {
    const node = ctx.registry.node(s.node_id);
    const demo = node?.demo === 1;
    const name = seriesName(s.node_id, s.sensor);
    // open data from when the household shared, not before (docs/PRIVACY.md)
    const household = ctx.registry.householdOfSensor(s.id);
    let cursor = Math.max(from, (household && ctx.registry.publicSince(household.id)) ?? from);
    for (;;) {
      const rows = raw.page(s.id, cursor, to, PAGE);
      if (rows.length === 0) break;
      let chunk = '';
      for (const r of rows) {
        chunk +=
          format === 'csv'
            ? `${name},${s.node_id},${s.sensor},${s.quantity},${s.unit},${r.ts},${new Date(r.ts).toISOString()},${r.value},${demo}\n`
            : `${JSON.stringify({ series: name, node: s.node_id, sensor: s.sensor, quantity: s.quantity, unit: s.unit, ts: r.ts, value: r.value, demo })}\n`;
      }
      if (res.destroyed) return;
      if (!res.write(chunk)) await once(res, 'drain');
      cursor = (rows[rows.length - 1]?.ts ?? to) + 1;
      if (rows.length < PAGE) break;
    }
  }
  res.end();
}
