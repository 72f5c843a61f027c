import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TargetStats } from '../../src/replay/stats/target-stats.js';
import type { RequestResult } from '../../src/replay/types.js';

const result = (endpoint: string, intendedUs: number, latencyUs = 1000): RequestResult => ({ id: `${endpoint}@${intendedUs}`, target: 0, endpoint, method: 'GET', intendedUs, sentUs: intendedUs, latencyUs, rawLatencyUs: latencyUs, lagUs: 5, status: 200 });

describe('target statistics: the interval and endpoint each request is counted in', () => {
  it('a closed interval is never filled again: a straggler for it goes to the totals, a later one opens a new interval', () => {
    const s = new TargetStats('t', 1_000_000, 1_000_000);
    const closed: [number, number][] = [];
    s.onClose = (startUs, iv) => closed.push([startUs, iv.ok]);
    s.record(result('/a', 500_000));
    s.closeIntervals(1_000_000);
    s.record(result('/a', 600_000)); // late: its interval closed
    s.record(result('/a', 1_200_000));
    s.record(result('/a', 1_300_000));
    s.closeIntervals(1_000_000); // nothing more to close yet
    s.record(result('/a', 2_100_000));
    const sum = s.summary(3e6, 3e6, false);
    expect(closed.slice(0, 1)).toEqual([[0, 1]]);
    expect(sum.intervals.map((iv) => [iv.startMs, iv.ok])).toEqual([
      [0, 1],
      [1000, 2],
      [2000, 1],
    ]);
    expect([sum.statuses['200'], sum.latency.max]).toEqual([5, 1]);
  });

  it('runs of one endpoint and alternating endpoints count alike; past the cap (200), new ones share "other" instead of overflowing the stack', () => {
    const s = new TargetStats('t', 1_000_000, 1_000_000);
    for (const e of ['/a', '/a', '/b', '/a', '/b', '/b']) s.record(result(e, 10));
    for (let i = 0; i < 200; i++) s.record(result(`/e${i}`, 10));
    s.record(result('/late', 10));
    s.record(result('/late', 10));
    s.record(result('/a', 10));
    const rows = Object.fromEntries(s.summary(1e6, 1e6, false).endpoints.map((e) => [e.endpoint, e.requests]));
    expect([rows['/a'], rows['/b'], rows['other'], rows['/late'], Object.keys(rows).length]).toEqual([4, 3, 4, undefined, 201]);
  });

  it('statuses are counted under their decimal text, runs of one status or not, errors apart', () => {
    const outcome = fc.oneof(fc.constantFrom(200, 200, 404, 500, 301), fc.constant('reset' as const));
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 30 }), (outcomes) => {
        const s = new TargetStats('t', 1_000_000, 1_000_000);
        const want: Record<string, number> = {};
        outcomes.forEach((o, i) => {
          const r = result('/a', i);
          if (typeof o === 'number') {
            r.status = o;
            want[String(o)] = (want[String(o)] ?? 0) + 1;
          } else {
            delete r.status;
            r.error = o;
          }
          s.record(r);
        });
        const sum = s.summary(1e6, 1e6, false);
        expect(sum.statuses).toEqual(want);
        expect(sum.endpoints[0]?.statuses ?? {}).toEqual(want);
      }),
    );
  });
});
