import { esc } from '../escape.js';
import { tick } from '../format.js';
import { c, linear, niceTicks, type Tick } from './scale.js';

/** One line; a null y breaks it (an interval with no successful responses has no latency). */
export interface Series {
  label: string;
  colour: string;
  points: Array<[number, number | null]>;
  dashed?: boolean;
  /** Fill down to zero (responses/s). */
  area?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Fixed x ticks (the percentile axis); otherwise round ticks over the data. */
  xTicks?: Tick[];
  /** Format of x values in point tooltips (defaults to the tick format). */
  xFormat?: (x: number) => string;
  yFormat?: (y: number) => string;
  /** Vertical markers: timeline events, the knee. */
  markers?: Array<{ x: number; label: string; colour?: string }>;
  /** Horizontal limits: thresholds. */
  limits?: Array<{ y: number; label: string }>;
}

const W = 640;
const H = 260;
const M = { l: 56, r: 14, t: 14, b: 40 };

/** Colours go into attributes and CSS unescaped: only a hex colour gets through. */
const safeColour = (c: string | undefined): string => (c && /^#[0-9a-fA-F]{3,8}$/.test(c) ? c : '#555555');

/** A self-contained SVG line chart with a clickable legend (the page's script toggles series). */
export function lineChart(input: ChartSpec): string {
  const spec: ChartSpec = {
    ...input,
    // A missing or non-finite value (NaN in, null out of JSON) is a gap, never "NaN" in an SVG path.
    series: input.series.map((s) => ({ ...s, colour: safeColour(s.colour), points: s.points.map(([px, py]): [number, number | null] => [px, Number.isFinite(px) && typeof py === 'number' && Number.isFinite(py) ? py : null]) })),
    markers: input.markers?.filter((m) => Number.isFinite(m.x)).map((m) => ({ ...m, colour: safeColour(m.colour) })),
    limits: input.limits?.filter((l) => Number.isFinite(l.y)),
  };
  const pts = spec.series.flatMap((s) => s.points.filter((p): p is [number, number] => p[1] !== null));
  if (pts.length === 0) return `<figure class="chart empty"><figcaption>${esc(spec.title)}</figcaption><p class="muted">No data recorded.</p></figure>`;
  const xs = pts.map((p) => p[0]).concat(spec.xTicks?.map((t) => t.value) ?? []);
  const ys = pts.map((p) => p[1]).concat(spec.limits?.map((l) => l.y) ?? []);
  // Loops, not Math.max(...xs): an hour of 1 s intervals × many series would overflow the argument list.
  const xMin = xs.reduce((a, b) => Math.min(a, b), Infinity);
  const xMax = xs.reduce((a, b) => Math.max(a, b), xMin + 1e-9);
  const yTicks = niceTicks(0, ys.reduce((a, b) => Math.max(a, b), 0) || 1);
  const yMax = yTicks.at(-1) ?? 1;
  const x = linear(xMin, xMax, M.l, W - M.r);
  const y = linear(0, yMax, H - M.b, M.t);
  const xTicks = spec.xTicks ?? niceTicks(xMin, xMax, 6).filter((v) => v >= xMin && v <= xMax).map((v) => ({ value: v, label: tick(v) }));
  const fx = spec.xFormat ?? tick;
  const fy = spec.yFormat ?? tick;

  const grid = yTicks.map((v) => `<line class="grid" x1="${M.l}" x2="${W - M.r}" y1="${c(y(v))}" y2="${c(y(v))}"/><text class="tick" x="${M.l - 6}" y="${c(y(v) + 4)}" text-anchor="end">${esc(tick(v))}</text>`).join('');
  const xAxis = xTicks.map((t) => `<text class="tick" x="${c(x(t.value))}" y="${H - M.b + 16}" text-anchor="middle">${esc(t.label)}</text>`).join('');
  // Labels step down so markers at the same x (two configurations' knees) stay readable; past the middle
  // they sit left of their line, and long ones are shortened (the tooltip keeps the whole text).
  const markers = (spec.markers ?? []).map((m, k) => {
    const px = x(m.x);
    const left = px > (M.l + W - M.r) / 2;
    const label = m.label.length > 36 ? `${m.label.slice(0, 35)}…` : m.label;
    return `<g class="marker"><line x1="${c(px)}" x2="${c(px)}" y1="${M.t}" y2="${H - M.b}" stroke="${m.colour}"/>`
      + `<text x="${c(left ? px - 3 : px + 3)}" y="${M.t + 10 + (k % 4) * 11}" fill="${m.colour}"${left ? ' text-anchor="end"' : ''}>${esc(label)}</text>`
      + `<title>${esc(m.label)} at ${esc(fx(m.x))}</title></g>`;
  }).join('');
  const limits = (spec.limits ?? []).map((l) => `<g class="limit"><line x1="${M.l}" x2="${W - M.r}" y1="${c(y(l.y))}" y2="${c(y(l.y))}"/><text x="${W - M.r - 2}" y="${c(y(l.y) - 4)}" text-anchor="end">${esc(l.label)}</text></g>`).join('');
  const lines = spec.series.map((s, i) => `<g class="series" data-series="${i}">${seriesSvg(s, x, y, fx, fy, H - M.b)}</g>`).join('');
  const legend = spec.series.map((s, i) => `<button type="button" class="key" data-series="${i}" aria-pressed="true"><span class="swatch${s.dashed ? ' dashed' : ''}" style="--c:${s.colour}"></span>${esc(s.label)}</button>`).join('');

  return `<figure class="chart"><figcaption>${esc(spec.title)}</figcaption>`
    + `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.title)}" xmlns="http://www.w3.org/2000/svg">`
    + `${grid}<line class="axis" x1="${M.l}" x2="${W - M.r}" y1="${H - M.b}" y2="${H - M.b}"/>${xAxis}`
    + `<text class="label" x="${(M.l + W - M.r) / 2}" y="${H - 6}" text-anchor="middle">${esc(spec.xLabel)}</text>`
    + `<text class="label" transform="translate(14 ${(M.t + H - M.b) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`
    + `${limits}${lines}${markers}</svg><div class="legend">${legend}</div></figure>`;
}

function seriesSvg(s: Series, x: (v: number) => number, y: (v: number) => number, fx: (v: number) => string, fy: (v: number) => string, base: number): string {
  const runs: Array<Array<[number, number]>> = [[]];
  for (const [px, py] of s.points) {
    if (py === null) { if ((runs.at(-1) ?? []).length) runs.push([]); continue; }
    runs.at(-1)?.push([px, py]);
  }
  const attrs = `stroke="${s.colour}"${s.dashed ? ' stroke-dasharray="5 4"' : ''}`;
  let out = '';
  for (const run of runs.filter((r) => r.length > 0)) {
    const d = run.map(([px, py], i) => `${i ? 'L' : 'M'}${c(x(px))} ${c(y(py))}`).join('');
    const first = run[0] as [number, number];
    const last = run.at(-1) as [number, number];
    if (s.area) out += `<path class="area" fill="${s.colour}" d="${d}L${c(x(last[0]))} ${c(base)}L${c(x(first[0]))} ${c(base)}Z"/>`;
    out += `<path class="line" fill="none" ${attrs} d="${d}"/>`;
  }
  // Points carry the exact values as native tooltips; thinned on long runs so the SVG stays small.
  const real = s.points.filter((p): p is [number, number] => p[1] !== null);
  const every = Math.max(1, Math.ceil(real.length / 150));
  out += real.filter((_, i) => i % every === 0).map(([px, py]) => `<circle r="2.2" cx="${c(x(px))}" cy="${c(y(py))}" fill="${s.colour}"><title>${esc(s.label)}: ${esc(fy(py))} at ${esc(fx(px))}</title></circle>`).join('');
  return out;
}
