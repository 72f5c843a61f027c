import { distributionChart, latencyChart, rateChart, responsesChart } from '../charts.js';
import { esc } from '../escape.js';
import type { DifferenceRow, ReplayReport, ReplayTargetReport } from '../model.js';
import { endpointsTable, failedCount, LATENCY_NOTE, part, statusMix, validityCells, VALIDITY_HEADERS } from './run-tables.js';
import { badge, code, measure, table, type Cell } from './table.js';
import { thresholdsTable } from './verdict-tables.js';
import { workersTable } from './workers-table.js';

/** The URL, its role and the proxy it was reached through: one cell, so the numbers keep their room. */
function targetCell(t: ReplayTargetReport): Cell {
  const role = t.role ? ` <span class="muted">${esc(t.role)}</span>` : '';
  const proxy = t.proxy ? `<div class="muted" data-field="proxy">via proxy <code>${esc(t.proxy)}</code></div>` : '';
  return { html: `<code>${esc(t.url)}</code>${role}${proxy}`, value: t.url };
}

function targetsTable(r: ReplayReport): string {
  const rows = r.summary.targets.map((t): Cell[] => [
    targetCell(t), measure(t.requests, 'count'), measure(t.offeredRate, 'req/s'), measure(t.achievedRate, 'req/s'),
    measure(t.latency.p50, 'ms'), measure(t.latency.p90, 'ms'), measure(t.latency.p99, 'ms'), measure(t.latency.p999, 'ms'), measure(t.latency.max, 'ms'),
    measure(t.rawLatency.p99, 'ms'), measure(t.scheduleLag.p99, 'ms'), measure(failedCount(t), 'count'), measure(t.dropped, 'count'), statusMix(t),
  ]);
  return table('targets', ['Target', 'Requests', 'Offered', 'Achieved', 'p50', 'p90', 'p99', 'p99.9', 'max', 'raw p99', 'Lag p99', 'Failed', 'Dropped', 'Status mix'], rows, LATENCY_NOTE);
}

function examples(d: DifferenceRow): string {
  return `<ul class="examples">${d.examples.map((x) => `<li>${x.id ? `<code class="muted">${esc(x.id)}</code> ` : ''}<del>${esc(x.expected)}</del> → <ins>${esc(x.actual)}</ins></li>`).join('')}</ul>`;
}

/** Regressions first, noise (also differs between primary and secondary) after and greyed. */
function differencesTable(ds: DifferenceRow[]): string {
  const sorted = [...ds].sort((a, b) => Number(a.noise) - Number(b.noise) || b.count - a.count);
  const rows = sorted.map((d): Cell[] => [
    code(d.target), code(d.endpoint), code(d.field), measure(d.count, 'count'),
    { html: d.noise ? badge('noise', 'neutral') : badge('difference', 'bad'), value: d.noise },
    { html: examples(d) },
  ]);
  return table('differences', ['Target', 'Endpoint', 'Field', 'Count', 'Kind', 'Examples (recorded → replayed)'], rows);
}

function inputLine(r: ReplayReport): string {
  if (!r.input) return '';
  const n = (v: number): string => esc(v.toLocaleString('en-US'));
  return ` <span data-field="input">${n(r.input.exchanges)} exchanges read, ${n(r.input.invalid)} malformed skipped, ${n(r.input.filtered)} filtered out.</span>`;
}

/** Latency through a proxy includes the proxy's hop: the page says so up front. */
function proxyLine(r: ReplayReport): string {
  const proxies = [...new Set(r.summary.targets.flatMap((t) => (t.proxy ? [t.proxy] : [])))];
  if (!proxies.length) return '';
  const direct = r.summary.targets.filter((t) => !t.proxy).length;
  return ` <span data-field="proxy-used">Requests went through HTTP proxy ${proxies.map((p) => `<code>${esc(p)}</code>`).join(', ')}${direct ? ` (${esc(direct)} target${direct === 1 ? '' : 's'} direct)` : ''}; latency includes the proxy hop.</span>`;
}

export function replaySection(r: ReplayReport): string {
  const v = r.summary.validity;
  const charts = r.summary.targets.map((t) => {
    const src = { intervals: t.intervals, intervalMs: r.intervalMs, timeline: t.timeline };
    return `<details class="config" open><summary><code>${esc(t.url)}</code>${t.role ? ` (${esc(t.role)})` : ''}</summary><div class="charts">`
      + latencyChart(src, `${t.url}: latency over time`) + responsesChart(src, `${t.url}: responses/s, ok vs error`)
      + rateChart(src, `${t.url}: offered vs achieved rate`) + '</div></details>';
  }).join('');
  const dist = distributionChart(r.summary.targets.map((t) => ({ label: t.role ?? t.url, points: t.distribution })), 'Latency distribution, all targets');
  return '<section class="scenario" id="replay"><h2>Replay</h2>'
    + `<p class="lead">Captures: ${r.captures.map((c) => `<code>${esc(c)}</code>`).join(', ')}; ${esc(Math.round(r.summary.durationMs / 100) / 10)} s from ${esc(r.summary.startedAt)}.${inputLine(r)}${proxyLine(r)}</p>`
    + `<section class="part"><h3>Targets</h3>${targetsTable(r)}</section>`
    + part('Gates', r.thresholds?.length ? thresholdsTable(r.thresholds) : '')
    + part('Staging', r.staging?.length ? `<ul data-field="staging">${r.staging.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : '')
    + `<section class="part"><h3>Differences per endpoint and field</h3>${differencesTable(r.differences) || '<p class="muted">No response differed from the recorded one.</p>'}</section>`
    + part('Endpoints', endpointsTable(r.summary.targets.map((t) => ({ first: { html: `<code>${esc(t.url)}</code>` }, endpoints: t.endpoints })), 'Target'))
    + `<section class="part"><h3>Run validity</h3>${table('validity', VALIDITY_HEADERS, [validityCells(v)])}</section>` + workersTable(r.summary.workers)
    + `<section class="part"><h3>Charts</h3><div class="charts">${dist}</div>${charts}</section></section>`;
}
