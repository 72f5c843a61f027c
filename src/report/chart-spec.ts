import { esc, jsonForScript } from './escape.js';
import type { AxisKind } from './format.js';

/** One line; a null y breaks it (an interval with no successful responses has no latency). */
export interface Series {
  label: string;
  colour: string;
  points: Array<[number, number | null]>;
  dash?: number[];
  /** Fill down to zero (responses/s). */
  area?: boolean;
}

export interface ChartInput {
  title: string;
  xLabel: string;
  yLabel: string;
  x: AxisKind;
  y: AxisKind;
  series: Series[];
  /** Fixed x ticks (the percentile axis); otherwise uPlot picks round ones. */
  xTicks?: number[];
  /** Vertical markers: timeline events, the knee. */
  markers?: Array<{ x: number; label: string; colour?: string }>;
  /** Horizontal limits: thresholds. */
  limits?: Array<{ y: number; label: string }>;
}

/** What the page's chart script reads (the JSON inside each figure): every series with its own x. */
export interface ChartData extends Omit<ChartInput, 'series'> {
  series: Array<{ label: string; colour: string; dash?: number[]; area?: boolean; x: number[]; y: Array<number | null> }>;
}

/** Colours reach the canvas and CSS: only a hex colour gets through. */
const safeColour = (c: string | undefined): string => (c && /^#[0-9a-fA-F]{3,8}$/.test(c) ? c : '#555555');
/** Sub-µs digits are noise and bytes. */
const round = (v: number): number => Math.round(v * 1e4) / 1e4;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Non-finite values (NaN in, null out of JSON) become gaps, never "NaN" on an axis; points without x are dropped. */
export function chartData(input: ChartInput): ChartData {
  return {
    ...input,
    series: input.series.map((s) => {
      const pts = s.points.filter(([px]) => finite(px)).sort((a, b) => a[0] - b[0]);
      return {
        label: s.label, colour: safeColour(s.colour), ...(s.dash ? { dash: s.dash } : {}), ...(s.area ? { area: true } : {}),
        x: pts.map(([px]) => round(px)), y: pts.map(([, py]) => (finite(py) ? round(py) : null)),
      };
    }),
    markers: (input.markers ?? []).filter((m) => finite(m.x)).sort((a, b) => a.x - b.x).map((m) => ({ ...m, colour: safeColour(m.colour) })),
    limits: (input.limits ?? []).filter((l) => finite(l.y)),
  };
}

/** A figure the page's script draws with uPlot from the JSON it carries; "No data recorded." when there is none. */
export function chartFigure(input: ChartInput): string {
  const data = chartData(input);
  const drawn = data.series.some((s) => s.y.some((v) => v !== null));
  if (!drawn) return `<figure class="chart empty"><figcaption>${esc(data.title)}</figcaption><p class="muted">No data recorded.</p></figure>`;
  return `<figure class="chart" data-chart><figcaption>${esc(data.title)}</figcaption><div class="plot" role="img" aria-label="${esc(data.title)}"></div>`
    + `<script type="application/json" class="chart-data">${jsonForScript(data)}</script></figure>`;
}
