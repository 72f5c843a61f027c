import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YamlSource } from '../../src/config/yaml-source.js';
import { renderHtml } from '../../src/report/html/page.js';
import { renderJUnit } from '../../src/report/junit.js';
import type { ReportModel } from '../../src/report/model.js';
import { compareSides, type Side } from '../../src/scenarios/compare.js';
import { parseScenarios } from '../../src/scenarios/load.js';
import { summaryText } from '../../src/scenarios/print.js';
import { Progress } from '../../src/scenarios/progress.js';
import { runScenarios } from '../../src/scenarios/runner.js';

/** A server answering each request after `delayMs`, with 503 when `fails(n)` for the n-th request. */
async function serving(delayMs: number, fails: (n: number) => boolean): Promise<{ server: Server; url: string }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    const status = fails(n++) ? 503 : 200;
    setTimeout(() => res.writeHead(status).end('x'), status === 503 ? 0 : delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

let ok: Awaited<ReturnType<typeof serving>>;
let down: Awaited<ReturnType<typeof serving>>;
let shedding: Awaited<ReturnType<typeof serving>>;
beforeAll(async () => void ([ok, down, shedding] = await Promise.all([serving(30, () => false), serving(0, () => true), serving(2, (n) => n % 3 === 0)])));
afterAll(() => Promise.all([ok, down, shedding].map((s) => new Promise((r) => s.server.close(r)))));

async function compare(b: string): Promise<ReportModel> {
  const yaml = `configurations:\n  a: { baseUrl: "${ok.url}" }\n  b: { baseUrl: "${b}" }\nscenarios:
  - name: ab\n    smoke: false\n    compare: [a, b]\n    repeat: 3\n    retries: 0\n    warmup: 0
    requests: [{ path: /x }]\n    load: [{ rate: 60, duration: 500ms }]\n`;
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  return runScenarios(parseScenarios(YamlSource.parse('ab.yaml', yaml), {}), { progress: new Progress(quiet, false, 5000, false) });
}

describe('A/B comparison against a side that fails', () => {
  it('a side with no successful response is not comparable and fails the run, with no NaN in any output', async () => {
    const m = await compare(down.url);
    const cs = m.scenarios[0]!.comparisons;
    expect(cs.map((c) => [c.metric, c.verdict, c.pass])).toEqual([
      ['p50', 'not-comparable', false], ['p95', 'not-comparable', false], ['p99', 'not-comparable', false], ['errorRate', 'worse', false],
    ]);
    expect(cs[0]!.message).toBe('b vs a rate 60 req/s p50: not comparable (b had no successful response in 3 runs)');
    expect(cs[0]!.b).toEqual({ configuration: 'b', value: null, runs: [null, null, null] });
    expect(cs[3]!.b.value).toBe(1);
    expect(m.verdict).not.toBe('pass');
    for (const text of [JSON.stringify(m), summaryText(m), renderJUnit(m), renderHtml(m)]) expect(text).not.toMatch(/NaN/);
    expect(summaryText(m)).toContain('b had no successful response in 3 runs');
  }, 60_000);

  it('a side that sheds load is worse on errorRate, and its shorter latency is not called better', async () => {
    const m = await compare(shedding.url);
    const cs = m.scenarios[0]!.comparisons;
    const errorRate = cs.find((c) => c.metric === 'errorRate')!;
    expect([errorRate.verdict, errorRate.pass]).toEqual(['worse', false]);
    expect(errorRate.b.value).toBeGreaterThan(0.25);
    for (const c of cs.filter((x) => x.metric !== 'errorRate')) expect(c.verdict, c.message).not.toBe('better');
    // Its successful responses took 2 ms against a's 30: shorter, but of the requests it did not refuse.
    const p50 = cs.find((c) => c.metric === 'p50')!;
    expect(p50.difference!).toBeLessThan(0);
    expect([p50.verdict, p50.message]).toEqual(['not-comparable', expect.stringContaining('b failed significantly more requests')]);
    expect(m.verdict).not.toBe('pass');
  }, 60_000);
});

/** Three runs of 1000 responses, `failed` of each failing, the rest at 20 ms. */
function side(name: string, failed: number): Side {
  const samples = Array.from({ length: 3 }, () => Array.from({ length: 1000 - failed }, (_, i) => 20 + (i % 10) / 10));
  return { configuration: name, samples, perRun: samples.map(() => ({ p50: 20.5, p95: 20.9, p99: 20.9 })), counts: samples.map((s) => ({ ok: s.length, failed })) };
}

describe('error-rate verdict', () => {
  const opts = { phase: 'rate', level: 0.95, minEffect: 0.05, limits: new Map() };
  it('one failure a run is no significant difference; a tenth of the requests failing is worse', () => {
    expect(compareSides(side('A', 0), side('B', 1), opts).at(-1)!.verdict).toBe('no-significant-difference');
    expect(compareSides(side('A', 0), side('B', 100), opts).at(-1)).toMatchObject({ metric: 'errorRate', verdict: 'worse', pass: false });
    expect(compareSides(side('A', 100), side('B', 0), opts).at(-1)).toMatchObject({ verdict: 'better', pass: true });
  });
});
