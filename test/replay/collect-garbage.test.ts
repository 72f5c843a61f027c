import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/replay/collect-garbage.js';

/** The next major (mark-compact) collection V8 reports, or a rejection after `ms`. */
function nextMajorGc(ms: number): Promise<PerformanceEntry> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (obs.disconnect(), reject(new Error(`no major GC within ${ms} ms`))), ms);
    const obs = new PerformanceObserver((list) => {
      const major = list.getEntries().find((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
      if (!major) return;
      clearTimeout(timer);
      obs.disconnect();
      resolve(major);
    });
    obs.observe({ entryTypes: ['gc'] });
  });
}

describe('collectGarbage (before each measured run: a scenario run, a worker share)', () => {
  it('runs a major collection there and then, again on every call', async () => {
    for (let i = 0; i < 2; i++) {
      const seen = nextMajorGc(3000);
      const before = performance.now();
      collectGarbage();
      const gc = await seen;
      // The collection is the call's own: it started after the call began.
      expect(gc.startTime).toBeGreaterThanOrEqual(before);
    }
  });
});
