import { esc } from '../escape.js';
import { ms } from '../format.js';
import type { CheckResult, ConfigurationReport, SmokeState } from '../model.js';
import { badge, table, text, type Cell } from './table.js';

const STATE_TONE: Record<SmokeState, 'good' | 'bad' | 'warn'> = {
  healthy: 'good',
  'in-maintenance': 'warn',
  unhealthy: 'bad',
  unavailable: 'bad',
};

export function stateBadge(state: SmokeState): string {
  return badge(state, STATE_TONE[state]);
}

function checkCell(c: CheckResult | undefined): Cell {
  if (!c) return { html: '<span class="muted">not run</span>' };
  const head = `${badge(c.pass ? 'pass' : 'fail', c.pass ? 'good' : 'bad')} <code>${esc(c.name)}</code>`;
  const status = c.status !== undefined ? ` HTTP <span data-field="status">${esc(c.status)}</span>` : '';
  const took = c.latencyMs !== undefined ? ` <span class="muted">${esc(ms(c.latencyMs))}</span>` : '';
  const error = c.error ? `<div class="error">${esc(c.error)}</div>` : '';
  const fields = c.expectations.length
    ? `<ul class="fields">${c.expectations.map((e) => `<li class="${e.pass ? 'ok' : 'bad'}"><code>${esc(e.field)}</code> = ${esc(JSON.stringify(e.actual) ?? 'missing')}${e.pass ? '' : ` <span class="muted">(expected ${esc(JSON.stringify(e.expected))})</span>`}</li>`).join('')}</ul>`
    : '';
  return { html: `${head}${status}${took}${error}${fields}`, value: c.pass };
}

/** /health decides load-balancer membership, /test decides "available to users": one row per configuration. */
export function smokeTable(configs: ConfigurationReport[]): string {
  const rows = configs.filter((c) => c.smoke).map((c): Cell[] => {
    const s = c.smoke!;
    const failing = (s.test?.tests ?? []).filter((t) => !t.success);
    const failingHtml = failing.length
      ? `<ul class="failing">${failing.map((t) => `<li><strong>${esc(t.name)}</strong>${t.endpoint ? ` <code>${esc(t.endpoint)}</code>` : ''}${t.error ? `: <span class="error">${esc(t.error)}</span>` : ''}</li>`).join('')}</ul>`
      : s.test ? `<span class="muted">all ${esc(s.test.tests.length)} passed</span>` : '';
    return [
      text(c.name),
      { html: stateBadge(s.state), value: s.state },
      checkCell(s.health),
      checkCell(s.test),
      { html: failingHtml, value: failing.length },
    ];
  });
  return table('smoke', ['Configuration', 'State', '/health (load-balancer membership)', '/test (available to users)', 'Failing tests'], rows);
}
