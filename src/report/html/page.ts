import { esc, jsonForScript, uniqueSlugs } from '../escape.js';
import type { ReplayReport, ReportModel } from '../model.js';
import { replaySection } from './replay.js';
import { scenarioSection, verdictTone } from './scenario.js';
import { csp, scripts } from './script.js';
import { uplotAssets } from './uplot.js';
import { CSS } from './style.js';
import { badge } from './table.js';

function card(k: string, v: string, name: string): string {
  return `<div class="card" data-card="${esc(name)}"><div class="k">${esc(k)}</div><div class="v">${v}</div></div>`;
}

/** Requests, as people read the word; the fields they differed in, separately. */
function differencesCard(r: ReplayReport): string {
  const fields = r.differences.filter((d) => !d.noise).length;
  const noise = r.differences.length - fields;
  const n = (v: number): string => esc(v.toLocaleString('en-US'));
  const fieldLine = `<div class="sub">in ${n(fields)} field${fields === 1 ? '' : 's'}${noise ? `, ${n(noise)} noise field${noise === 1 ? '' : 's'} apart` : ''}</div>`;
  // An older summary without request counts: fields are all it can say, and it says so.
  if (!r.differingRequests) return card('Differing fields', `${n(fields)}${noise ? `<div class="sub">${n(noise)} noise field${noise === 1 ? '' : 's'} apart</div>` : ''}`, 'differences');
  return card('Differing requests', `${n(r.differingRequests.differing)} <span class="of">of ${n(r.differingRequests.compared)}</span>${fieldLine}`, 'differences');
}

function overview(m: ReportModel): string {
  const th = m.scenarios.flatMap((s) => s.thresholds);
  const cmp = m.scenarios.flatMap((s) => s.comparisons);
  // Each scenario checks its configurations again: count configurations, healthy when every check of it was.
  const smoke = new Map<string, boolean>();
  for (const c of m.scenarios.flatMap((s) => s.configurations)) if (c.smoke) smoke.set(c.name, (smoke.get(c.name) ?? true) && c.smoke.state === 'healthy');
  const cards = [
    card('Verdict', badge(m.verdict, verdictTone(m.verdict)), 'verdict'),
    card('Exit code', esc(m.exitCode), 'exit-code'),
  ];
  if (m.kind === 'scenarios') {
    cards.push(card('Scenarios', esc(m.scenarios.length), 'scenarios'));
    cards.push(card('Thresholds passed', `${esc(th.filter((t) => t.pass).length)} / ${esc(th.length)}`, 'thresholds'));
    cards.push(card('Comparisons passed', `${esc(cmp.filter((c) => c.pass).length)} / ${esc(cmp.length)}`, 'comparisons'));
    cards.push(card('Healthy configurations', `${esc([...smoke.values()].filter(Boolean).length)} / ${esc(smoke.size)}`, 'smoke'));
  }
  if (m.replay) {
    cards.push(card('Targets', esc(m.replay.summary.targets.length), 'targets'));
    cards.push(differencesCard(m.replay));
  }
  const reasons = m.reasons.length ? `<ul class="reasons" data-list="reasons">${m.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '';
  return `<div class="cards">${cards.join('')}</div>${reasons}`;
}

function toc(m: ReportModel, ids: string[]): string {
  const links = m.scenarios.map((s, i) => `<a href="#scenario-${esc(ids[i])}">${esc(s.name)}</a>`);
  if (m.replay) links.push('<a href="#replay">Replay</a>');
  return links.length > 1 ? `<nav class="toc">${links.join('')}</nav>` : '';
}

/** The whole report as one HTML document: inline CSS, hashed inline scripts (uPlot and the charts), chart data and the model as JSON. */
export function renderHtml(m: ReportModel): string {
  const ids = uniqueSlugs(m.scenarios.map((s) => s.name));
  const meta = [
    `generated ${esc(m.generatedAt)}`,
    m.source ? `from <code>${esc(m.source)}</code>` : '',
    m.toolVersion ? `shadowtap ${esc(m.toolVersion)}` : '',
  ].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(m.title)} — ${esc(m.verdict)}</title>
<style>${uplotAssets().css}${CSS}</style></head>
<body><header class="top"><h1>${esc(m.title)}</h1><div class="meta">${meta}</div></header>
<main>${overview(m)}${toc(m, ids)}
${m.scenarios.map((s, i) => scenarioSection(s, ids[i] ?? String(i))).join('\n')}
${m.replay ? replaySection(m.replay) : ''}
<footer>Latency in milliseconds from the intended send time (open model, coordinated-omission free), recorded in HdrHistogram at µs resolution; the full data is in <code>summary.json</code>.</footer>
</main>
<script type="application/json" id="report-data">${jsonForScript(m)}</script>
${scripts().map((js) => `<script>${js}</script>`).join('\n')}
</body></html>
`;
}
