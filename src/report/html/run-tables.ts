import { esc } from '../escape.js';
import type { PhaseEndpoint, PhaseReport, TargetSummary, ValidityReport } from '../model.js';
import { badge, measure, name, table, text, type Cell } from './table.js';

export interface PhaseRow {
  configuration: string;
  phase: PhaseReport;
}

const runOf = (p: PhaseReport): Cell => (p.repeat === undefined ? text('') : { html: esc(`#${p.repeat + 1}`), value: p.repeat });

/** Status codes and error classes in one compact line ("200 ×1,180 · 503 ×20 · reset ×2"). */
export function statusMix(t: Pick<TargetSummary, 'statuses' | 'errors'>): Cell {
  const parts = Object.entries(t.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `<span class="status ${isHttpStatus(code) ? `s${esc(code.charAt(0))}` : 'err'}">${esc(code)}</span>&nbsp;×${esc(n.toLocaleString('en-US'))}`);
  for (const [cls, n] of Object.entries(t.errors)) if (n) parts.push(`<span class="status err">${esc(cls)}</span>&nbsp;×${esc(n.toLocaleString('en-US'))}`);
  return { html: parts.join(' · ') || '<span class="muted">none</span>' };
}

const isHttpStatus = (key: string): boolean => /^\d{3}$/.test(key);

/**
 * Requests that did not succeed, as the scenario runner counts them (status ≥ 400, like k6) plus transport
 * errors. Non-numeric status keys are error classes (per-endpoint mixes carry them there).
 */
export function failedCount(t: Pick<TargetSummary, 'statuses' | 'errors'>): number {
  const bad = Object.entries(t.statuses).filter(([k]) => !isHttpStatus(k) || Number(k) >= 400).reduce((a, [, n]) => a + n, 0);
  return bad + Object.values(t.errors).reduce((a, b) => a + (b ?? 0), 0);
}

/** Footnote of every table with latency and a Failed column (scenario phases, replay targets). */
export const LATENCY_NOTE = 'Latency from the intended send time (coordinated-omission free); raw p99 from the actual send. Failed: responses with status ≥ 400 and transport errors.';

/** Latency and rates as the engine summarised them, one row per configuration × phase × run. */
export function statsTable(rows: PhaseRow[]): string {
  const body = rows.map(({ configuration, phase: p }): Cell[] => {
    const s = p.stats;
    return [
      name(configuration), name(p.name), runOf(p),
      measure(s.requests, 'count'), measure(s.offeredRate, 'req/s'), measure(s.achievedRate, 'req/s'),
      measure(s.latency?.p50, 'ms'), measure(s.latency?.p90, 'ms'), measure(s.latency?.p99, 'ms'), measure(s.latency?.p999, 'ms'), measure(s.latency?.max, 'ms'),
      measure(s.rawLatency.p99, 'ms'), measure(failedCount(s), 'count'), statusMix(s),
    ];
  });
  return table('stats', ['Configuration', 'Phase', 'Run', 'Requests', 'Offered', 'Achieved', 'p50', 'p90', 'p99', 'p99.9', 'max', 'raw p99', 'Failed', 'Status mix'], body, LATENCY_NOTE);
}

export function validityCells(v: ValidityReport): Cell[] {
  return [
    { html: badge(v.valid ? 'valid' : 'invalid', v.valid ? 'good' : 'warn'), value: v.valid },
    measure(v.scheduleLag.p50, 'ms'), measure(v.scheduleLag.p99, 'ms'), measure(v.scheduleLag.max, 'ms'),
    measure(v.dropped, 'count'), measure(v.eventLoopDelayP99Ms, 'ms'), measure(v.cpu, 'percent'),
    { html: v.reasons.length ? `<ul class="reasons">${v.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '' },
  ];
}

export const VALIDITY_HEADERS = ['Validity', 'Lag p50', 'Lag p99', 'Lag max', 'Dropped', 'Event-loop p99', 'CPU (1 core)', 'Reasons'];

/** Whether the generator kept its schedule: an invalid run's latency numbers are not the target's. */
export function validityTable(rows: PhaseRow[]): string {
  const body = rows.map(({ configuration, phase: p }): Cell[] => [name(configuration), name(p.name), runOf(p), ...validityCells(p.validity)]);
  return table('validity', ['Configuration', 'Phase', 'Run', ...VALIDITY_HEADERS], body);
}

export function kneeTable(rows: PhaseRow[]): string {
  const body = rows.filter((r) => r.phase.knee).map(({ configuration, phase: p }): Cell[] => {
    const k = p.knee!;
    return [
      name(configuration), name(p.name), runOf(p),
      measure(k.kneeRate, 'req/s'), measure(k.breakRate, 'req/s'),
      measure(k.p99LimitMs ?? null, 'ms'), measure(k.errorBudget, 'percent'), text(k.reason ?? ''),
    ];
  });
  return table('knee', ['Configuration', 'Phase', 'Run', 'Knee (highest good rate)', 'Breaks at', 'p99 limit', 'Error budget', 'Why'], body);
}

/** Per-endpoint latency and statuses (route templates: "/users/{id}"), one row per owner × endpoint. */
export function endpointsTable(owners: Array<{ first: Cell; endpoints: PhaseEndpoint[] }>, firstHeader: string): string {
  const rows = owners.flatMap((o) => o.endpoints.map((e): Cell[] => [
    o.first, { html: `<code>${esc(e.endpoint)}</code>`, value: e.endpoint }, measure(e.requests, 'count'), measure(e.errors, 'count'),
    measure(e.latency?.p50, 'ms'), measure(e.latency?.p99, 'ms'), measure(e.latency?.max, 'ms'), statusMix({ statuses: e.statuses, errors: {} }),
  ]));
  return table('endpoints', [firstHeader, 'Endpoint', 'Requests', 'Errors', 'p50', 'p99', 'max', 'Statuses'], rows);
}

/** A titled part of a section; nothing at all when the body is empty. */
export function part(title: string, body: string): string {
  return body ? `<section class="part"><h3>${esc(title)}</h3>${body}</section>` : '';
}
