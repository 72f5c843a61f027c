/**
 * Numbers as a person reads them (the printing side of the units grammar). The formatters both the tables (in Node) and the page's hover legend and axes (in the
 * browser) use. They are written once, as page-ready source, and turned into the functions Node
 * calls from that same text: one implementation, and the page's bytes do not depend on how this
 * module was compiled (a function's toString would).
 *
 * `num` prints what `toLocaleString('en-US', { maximumFractionDigits })` prints (held by
 * test/units/format.test.ts against it): `decimal` rounds the shortest decimal that reads back as the
 * number (`String(a)`, which ICU starts from too) half away from zero, and groups thousands. Written
 * out because ICU's number formatting costs ~12 ms of CPU the first time a process uses it, which was
 * a twentieth of a short `replay`'s whole run, for two numbers in its verdict lines.
 */
export const FORMAT_SOURCE = String.raw`
function num(v) {
  if (!Number.isFinite(v)) return String(v);
  var a = Math.abs(v);
  var digits = a === 0 || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return (v < 0 || 1 / v < 0 ? '-' : '') + decimal(a, digits);
}
function decimal(a, digits) {
  var s = String(a), e = s.indexOf('e');
  var exp = e < 0 ? 0 : Number(s.slice(e + 1));
  if (e >= 0) s = s.slice(0, e);
  var dot = s.indexOf('.');
  var d = dot < 0 ? s : s.slice(0, dot) + s.slice(dot + 1);
  var point = (dot < 0 ? s.length : dot) + exp;
  var keep = Math.min(d.length, point + digits);
  var up = keep >= 0 && keep < d.length && d.charCodeAt(keep) >= 53;
  d = keep > 0 ? d.slice(0, keep) : '';
  if (up) {
    var i = d.length - 1;
    while (i >= 0 && d.charAt(i) === '9') i--;
    if (i < 0) { d = '1' + '0'.repeat(d.length); point++; }
    else d = d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1) + '0'.repeat(d.length - i - 1);
  }
  var whole = point > 0 ? d.slice(0, point) + '0'.repeat(Math.max(0, point - d.length)) : '0';
  var frac = (point > 0 ? d.slice(point) : '0'.repeat(-point) + d).replace(/0+$/, '');
  whole = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac ? whole + '.' + frac : whole;
}
function pct(f) { return num(f * 100) + ' %'; }
function ms(v) { return Math.abs(v) >= 10000 ? num(v / 1000) + ' s' : num(v) + ' ms'; }
function tick(v) {
  var a = Math.abs(v);
  if (a >= 1e6) return num(v / 1e6) + 'M';
  if (a >= 1e4) return num(v / 1e3) + 'k';
  return num(v);
}
function axisValue(kind, v) {
  switch (kind) {
    case 'sec': return num(v) + ' s';
    case 'rate': return num(v) + ' req/s';
    case 'ms': return ms(v);
    case 'perSec': return num(v) + '/s';
    case 'percent': return num(v) + ' %';
    case 'nines': return v >= 5 ? 'max' : 'p' + Number((100 * (1 - Math.pow(10, -v))).toFixed(Math.max(0, Math.ceil(v - 1e-9) - 2)));
  }
  return num(v);
}
`;

/** What a chart axis holds; the page formats hover values and ticks by it. `nines` is −log10(1 − p/100); 5 is the max. */
export type AxisKind = 'sec' | 'rate' | 'ms' | 'perSec' | 'percent' | 'nines';

interface Formatters {
  num(v: number): string;
  ms(v: number): string;
  pct(fraction: number): string;
  tick(v: number): string;
  axisValue(kind: AxisKind, v: number): string;
}

// Our own constant source, above: the point is to run the very text the page runs.
const shared = new Function(`${FORMAT_SOURCE}\nreturn { num: num, ms: ms, pct: pct, tick: tick, axisValue: axisValue };`)() as Formatters;

/** A number shown to a person: three significant figures-ish, thousands separated. */
export const num = shared.num;
/** Milliseconds with a unit; seconds past 10 s so long tails stay readable. */
export const ms = shared.ms;
/** A fraction 0..1 as a percentage: 0.0123 → "1.23 %". */
export const pct = shared.pct;
/** Short axis tick label (no unit). */
export const tick = shared.tick;
/** A chart value with its unit (hover legend, axes, marker titles). */
export const axisValue = shared.axisValue;
