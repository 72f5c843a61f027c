import { describe, expect, it } from 'vitest';
import { num } from '../../src/units/format.js';

/** What `num` stands for: ICU's en-US formatting (toLocaleString's) with the digits num chooses by magnitude. */
const icu = [0, 1, 2, 3].map((digits) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits }));
function oracle(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return icu[a === 0 || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3]!.format(v);
}

/** A deterministic generator (xorshift32): the same values every run. */
function* values(count: number): Generator<number> {
  let x = 0x9e3779b9;
  const next = (): number => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
  for (let i = 0; i < count; i++) {
    const magnitude = 10 ** Math.floor(next() * 30 - 9);
    const r = next();
    const sign = next() < 0.3 ? -1 : 1;
    // Plain doubles, and decimals that sit on a rounding tie or a carry at the printed precision.
    if (r < 0.5) yield sign * next() * magnitude;
    else if (r < 0.75) yield sign * Number((Math.floor(next() * 100_000) / 1000 + 0.0005).toFixed(4)) * (r < 0.6 ? 1 : 100);
    else yield sign * Number((Math.floor(next() * 1000) + [0.5, 0.95, 0.995, 0.9995, 0.05, 0.005][Math.floor(next() * 6)]!).toPrecision(15)) / [1, 10, 100, 1000][Math.floor(next() * 4)]!;
  }
}

describe('num: numbers as a person reads them, without ICU', () => {
  it('prints what toLocaleString(en-US) prints: rounding half away from zero on the shortest decimal, grouping, signs', () => {
    const edges = [0, -0, 1, -1, 0.5, 1.005, 2.675, 9.995, 99.95, 999.5, 0.0005, 0.00049, -0.0001, 1e-7, 5e-324, 123_456.5, 1e21, 1.5e300, Number.MAX_VALUE, -Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, NaN, Infinity, -Infinity];
    for (const v of edges) expect(num(v), String(v)).toBe(oracle(v));
    let compared = 0;
    for (const v of values(200_000)) {
      if (num(v) !== oracle(v)) expect(num(v), String(v)).toBe(oracle(v));
      compared++;
    }
    expect(compared).toBe(200_000);
  });
});
