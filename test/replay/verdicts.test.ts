import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.js';
import { recorded, writeCapture, runCli, startServer, readSummary, freePort, LOOSE_GATE } from '../helpers/replay-fixtures.js';
import { ValidityMonitor, DEFAULT_LIMITS } from '../../src/replay/validity.js';
import { judgeReplay } from '../../src/replay/verdict.js';
import type { RunSummary, TargetSummary } from '../../src/replay/types.js';
import { replayReportModel } from '../../src/report/from-replay.js';
import { renderJUnit } from '../../src/report/junit.js';
import { replaySummary } from '../helpers/report-models.js';

const dir = tempDir('shadowtap-verdicts-');

describe('the error-rate gate: a replay whose requests failed does not pass', async () => {
  const capture = await writeCapture(join(dir, 'c.jsonl'), [0, 1, 2, 3].map((i) => recorded(i, i * 5)));

  it('a refused target: exit 1, the reason in the summary, JSON, JUnit and the report; --max-error-rate off lets it pass', async () => {
    const port = await freePort();
    const target = `http://127.0.0.1:${port}`;
    const summary = join(dir, 'refused.json');
    const junit = join(dir, 'refused.xml');
    const report = join(dir, 'refused-report');
    const r = await runCli(['replay', capture, '-t', target, '--summary', summary, '--junit', junit, '--report', report, ...LOOSE_GATE]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`errors connect-refused 4 (connection refused 127.0.0.1:${port} ×4)`);
    expect(r.stdout).toContain(`${target}: transport errors 100 % (limit 1 %) FAILED`);
    expect(r.stdout).toContain('verdict fail (exit 1)');
    expect(r.stderr).toContain(`failed: ${target}: transport error rate 100 % > 1 %: 4 of 4 requests failed in transport: connect-refused 4`);
    const s = readSummary(summary);
    expect(s.verdict).toMatchObject({ result: 'fail', exitCode: 1, checks: [{ metric: 'errorRate', configuration: target, limit: 0.01, actual: 1, unit: 'percent', pass: false }] });
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites [^>]*failures="1"/);
    expect(xml).toContain(`name="${target}: errorRate &lt;= 1 %"`);
    const html = readFileSync(join(report, 'index.html'), 'utf8');
    expect(html).toContain('<h3>Gates</h3>');
    expect(html).toMatch(/data-card="verdict"[^]*fail/);
    // The report command renders the summary file again with the same verdict.
    expect((await runCli(['report', summary, '--out', join(dir, 'again')])).code).toBe(1);
    const off = await runCli(['replay', capture, '-t', target, '--max-error-rate', 'off', ...LOOSE_GATE]);
    expect(off.code, off.stderr).toBe(0);
  });

  it('a share of failures: over the default 1 % fails, under --max-error-rate 30% passes; a bad value is exit 2 naming the flag', async () => {
    const server = await startServer((q, res) => (q.url === '/items/1' ? res.socket!.destroy() : res.end('{}')));
    try {
      const failing = await runCli(['replay', capture, '-t', server.url, '--summary', join(dir, 'share.json'), ...LOOSE_GATE]);
      expect(failing.code, failing.stderr).toBe(1);
      expect(readSummary(join(dir, 'share.json')).verdict!.checks[0]).toMatchObject({ actual: 0.25, pass: false });
      expect((await runCli(['replay', capture, '-t', server.url, '--max-error-rate', '30%', ...LOOSE_GATE])).code).toBe(0);
      const bad = await runCli(['replay', capture, '-t', server.url, '--max-error-rate', '5x', ...LOOSE_GATE]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--max-error-rate 5x');
      expect(server.received).toHaveLength(8); // the bad flag sent nothing
    } finally {
      await server.close();
    }
  });
});

const target = (rawP99: number): TargetSummary => ({ url: 'http://t', requests: 100, offeredRate: 30, achievedRate: 30, latency: pct(rawP99), rawLatency: pct(rawP99), scheduleLag: { p50: 1, p99: 31, max: 40 }, statuses: { '200': 100 }, errors: {}, dropped: 0, endpoints: [], intervals: [] });
const pct = (p99: number) => ({ p50: p99 / 2, p90: p99, p95: p99, p99, p999: p99, max: p99 });

describe('the validity gate judges lag by what it distorts', () => {
  it('31 ms of lag on 300 ms requests is valid (reported); on 2 ms requests it is invalid; "off" never invalidates', () => {
    expect(new ValidityMonitor(DEFAULT_LIMITS).finish(31, 0, true, [target(300)])).toMatchObject({ valid: true, scheduleLagP99Ms: 31 });
    const fast = new ValidityMonitor(DEFAULT_LIMITS).finish(31, 0, true, [target(2)]);
    expect(fast.valid).toBe(false);
    expect(fast.reasons[0]).toBe('schedule lag p99 31 ms > 10 ms and > 20 % of the raw latency p99 (2 ms): the generator could not keep the schedule');
    // Nothing measured (every request failed): the absolute limit alone.
    expect(new ValidityMonitor(DEFAULT_LIMITS).finish(31, 0, true, []).valid).toBe(false);
    expect(new ValidityMonitor({ ...DEFAULT_LIMITS, maxLagP99Ms: Infinity }).finish(500, 0, true, [target(2)]).valid).toBe(true);
  });

  it('differing responses and transport errors fail (exit 1) even when the run is also invalid; invalid alone is exit 3', () => {
    const run: RunSummary = { startedAt: '', durationMs: 1, targets: [target(2)], validity: { valid: false, reasons: ['schedule lag p99 31 ms > 10 ms'], eventLoopDelayP99Ms: 0, cpu: 0 } };
    const differences = { mode: 'recorded' as const, targets: [{ target: 0, url: 'http://t', compared: 100, differing: 3, regressions: 3, fields: [] }] };
    expect(judgeReplay({ ...run, differences }, { maxErrorRate: 0.01, failOnDiff: true })).toMatchObject({ result: 'fail', exitCode: 1 });
    expect(judgeReplay({ ...run, differences }, { maxErrorRate: 0.01, failOnDiff: false })).toMatchObject({ result: 'invalid', exitCode: 3 });
    const errors = { ...run, targets: [{ ...target(2), errors: { reset: 2 } }] };
    expect(judgeReplay(errors, { maxErrorRate: 0.01, failOnDiff: false })).toMatchObject({ result: 'fail', exitCode: 1 });
    expect(judgeReplay({ ...errors, validity: { ...run.validity, valid: true, reasons: [] } }, { maxErrorRate: 0.05, failOnDiff: false })).toMatchObject({ result: 'pass', exitCode: 0 });
  });
});

it('JUnit: differing responses fail their testcase only when they fail the run (--fail-on-diff), not because errors did', () => {
  const s = replaySummary();
  const failures = (failOnDiff: boolean): string[] => {
    const verdict = judgeReplay({ ...s, targets: s.targets.map((t) => ({ ...t, errors: { reset: t.requests } })) }, { maxErrorRate: 0.01, failOnDiff });
    const xml = renderJUnit(replayReportModel({ ...s, verdict }, { captures: ['c.jsonl'] }));
    return [...xml.matchAll(/<testcase classname="shadowtap.replay" name="([^"]*)"[^/]*?>\s*<failure/g)].map((m) => m[1]!);
  };
  expect(failures(false).every((n) => n.includes('errorRate'))).toBe(true);
  expect(failures(true).some((n) => n.endsWith('responses as recorded'))).toBe(true);
});
