import { distributionChart, latencyChart, overlayCharts, rateChart, responsesChart, runLabel } from '../charts.js';
import { esc } from '../escape.js';
import type { ScenarioReport } from '../model.js';
import { workersTable } from './workers-table.js';
import { endpointsTable, kneeTable, part, statsTable, validityTable, type PhaseRow } from './run-tables.js';
import { smokeTable } from './smoke-table.js';
import { badge } from './table.js';
import { comparisonsTable, thresholdsTable } from './verdict-tables.js';

export function verdictTone(v: string): 'good' | 'bad' | 'warn' {
  return v === 'pass' ? 'good' : v === 'invalid' ? 'warn' : 'bad';
}

/** Every configuration's runs of one phase name, overlaid; then each configuration's first run in detail. */
function phaseCharts(s: ScenarioReport): string {
  const names = [...new Set(s.configurations.flatMap((c) => c.phases.map((p) => p.name)))];
  return names.map((name) => {
    const runs = s.configurations.flatMap((c, group) => c.phases.filter((p) => p.name === name).map((p) => ({ label: runLabel(c.name, p), p, group })));
    const overlay = runs.length > 1 ? `<div class="charts">${overlayCharts(name, runs).join('')}</div>` : '';
    const details = s.configurations.map((c) => {
      const p = c.phases.find((x) => x.name === name);
      if (!p) return '';
      const src = { intervals: p.stats.intervals, intervalMs: p.intervalMs, timeline: p.timeline, knee: p.knee };
      const label = runLabel(c.name, p);
      const charts = [
        latencyChart(src, `${label}: latency over time`),
        responsesChart(src, `${label}: responses/s, ok vs error`),
        rateChart(src, `${label}: offered vs achieved rate`),
        distributionChart([{ label, points: p.distribution }], `${label}: latency distribution`),
      ];
      return `<details class="config" open><summary>${esc(c.name)} <code>${esc(c.baseUrl)}</code>${c.proxy ? ` via proxy <code>${esc(c.proxy)}</code>` : ''}${p.description ? ` — ${esc(p.description)}` : ''}</summary><div class="charts">${charts.join('')}</div></details>`;
    }).join('');
    return `<section class="part phase"><h3>Phase: ${esc(name)}</h3>${overlay}${details}</section>`;
  }).join('');
}

/** Only worth a table when a phase sent a request mix (more than one endpoint). */
function endpoints(rows: PhaseRow[]): string {
  const firstRuns = rows.filter((r) => (r.phase.repeat ?? 0) === 0);
  if (!firstRuns.some((r) => r.phase.stats.endpoints.length > 1)) return '';
  return endpointsTable(firstRuns.map((r) => ({ first: { html: `${esc(r.configuration)} · ${esc(r.phase.name)}`, cls: 'nowrap' }, endpoints: r.phase.stats.endpoints })), 'Configuration · phase');
}

/** `id`: unique among the report's scenarios (uniqueSlugs), the anchor the table of contents links to. */
export function scenarioSection(s: ScenarioReport, id: string): string {
  const rows: PhaseRow[] = s.configurations.flatMap((c) => c.phases.map((phase) => ({ configuration: c.name, phase })));
  return `<section class="scenario" id="scenario-${esc(id)}">`
    + `<h2>${esc(s.name)} ${badge(s.verdict, verdictTone(s.verdict))}</h2>`
    + (s.description ? `<p class="lead">${esc(s.description)}</p>` : '')
    + part('Smoke checks', smokeTable(s.configurations))
    + part('Thresholds', thresholdsTable(s.thresholds))
    + part('Comparisons (B relative to A)', comparisonsTable(s.comparisons))
    + part('Knee of each ramp', kneeTable(rows))
    + part('Latency and rates', statsTable(rows))
    + part('Run validity', validityTable(rows))
    + rows.map((r) => workersTable(r.phase.workers)).join('')
    + part('Endpoints', endpoints(rows))
    + phaseCharts(s)
    + '</section>';
}
