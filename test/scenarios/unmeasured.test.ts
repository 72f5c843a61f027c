import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YamlSource } from '../../src/config/yaml-source.js';
import { overlayCharts } from '../../src/report/charts.js';
import { clusters } from '../../src/report/compare/samples.js';
import { renderHtml } from '../../src/report/html/page.js';
import { renderJUnit } from '../../src/report/junit.js';
import { freePort } from '../helpers/capture-tools.js';
import type { ReportModel } from '../../src/report/model.js';
import { parseScenarios } from '../../src/scenarios/load.js';
import { summaryText } from '../../src/scenarios/print.js';
import { Progress } from '../../src/scenarios/progress.js';
import { runScenarios } from '../../src/scenarios/runner.js';

/** /slow answers after 300 ms (so responses keep arriving after the last send), anything else 404 at once. */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/slow') setTimeout(() => res.end('ok'), 300);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

let model: ReportModel;
const log: string[] = [];
beforeAll(async () => {
  const yaml = `configurations:\n  a: { baseUrl: "${url}" }\nscenarios:
  - name: mixed\n    smoke: false\n    interval: 250ms
    requests: [{ path: /slow }, { path: /nosuch }]
    load: [{ ramp: { from: 10, to: 30 }, duration: 1s }]
  - name: all-fail\n    smoke: false\n    requests: [{ path: /nosuch }]\n    load: [{ rate: 10, duration: 500ms }]\n`;
  const out = new Writable({ write: (c: Buffer, _e, done) => void (log.push(String(c)), done()) });
  model = await runScenarios(parseScenarios(YamlSource.parse('u.yaml', yaml), {}), { progress: new Progress(out, false, 5000, false) });
}, 60_000);

describe('latency where nothing was measured is null, never 0 ms', () => {
  it('intervals after the last send have responses but no latency; an endpoint that always failed has none', () => {
    const p = model.scenarios[0]!.configurations[0]!.phases[0]!;
    const trailing = p.stats.intervals.filter((i) => i.offered === 0);
    // Sends end at 1 s and /slow answers 300 ms later: responses arrive in intervals that sent nothing.
    expect(trailing.some((i) => i.ok > 0)).toBe(true);
    for (const i of trailing) expect(i.latency, JSON.stringify(i)).toBeNull();
    expect(p.stats.intervals.filter((i) => i.offered > 0).every((i) => i.latency !== null)).toBe(true);
    expect(p.stats.endpoints.find((e) => e.endpoint === '/nosuch')!.latency).toBeNull();
    expect(p.stats.endpoints.find((e) => e.endpoint === '/slow')!.latency!.p50).toBeGreaterThanOrEqual(300);
    // The two-summary comparison takes no samples from them.
    expect(clusters([p], true)).toHaveLength(p.stats.intervals.filter((i) => i.offered > 0 && i.ok > 0).length);
  });

  it('a run with no successful response has null latency, "—" in the run line, the tables and the summary', () => {
    const p = model.scenarios[1]!.configurations[0]!.phases[0]!;
    expect([p.stats.latency, p.distribution]).toEqual([null, []]);
    expect(log.join('')).toMatch(/all-fail · a · rate 10 req\/s: p50 — p99 —/);
    const html = renderHtml(model);
    expect(html).not.toMatch(/NaN/);
    expect(JSON.stringify(model)).not.toMatch(/NaN/);
    expect(summaryText(model)).not.toMatch(/ 0 ms/);
  });

  it('charts against offered rate leave out intervals that offered nothing, instead of plotting them at 0 req/s', () => {
    const p = model.scenarios[0]!.configurations[0]!.phases[0]!;
    const figures = overlayCharts('ramp', [{ label: 'a #1', p, group: 0 }, { label: 'a #2', p, group: 0 }]);
    const data = figures.flatMap((f) => [...f.matchAll(/<script type="application\/json" class="chart-data">(.*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as { xLabel: string; series: { x: number[]; y: (number | null)[] }[] }));
    const byRate = data.filter((d) => d.xLabel === 'offered rate (req/s)');
    expect(byRate).toHaveLength(3);
    for (const d of byRate) for (const s of d.series) expect(Math.min(...s.x)).toBeGreaterThan(0);
  });

  it('JUnit: a phase run takes its length, and a configuration that could not be reached is an <error>', async () => {
    const xml = renderJUnit(model);
    // The ramp lasted 1 s; its intervals (responses arriving after it) reach further.
    expect(xml).toMatch(/name="a ramp 10→30 req\/s run validity" time="1\.0\d\d"/);
    const port = await freePort();
    const yaml = `configurations:\n  up: { baseUrl: "${url}" }\n  down: { baseUrl: "http://127.0.0.1:${port}" }\nscenarios:\n  - name: reach\n    smoke: false\n    requests: [{ path: /slow }]\n    load: [{ rate: 5, duration: 200ms }]\n`;
    const quiet = new Writable({ write: (_c, _e, done) => done() });
    const m = await runScenarios(parseScenarios(YamlSource.parse('r.yaml', yaml), {}), { progress: new Progress(quiet, false, 5000, false) });
    expect(m.verdict).toBe('invalid');
    expect(renderJUnit(m)).toMatch(/<testcase classname="shadowtap\.reach\.validity" name="down run validity">\n\s+<error type="invalid-run" message="invalid run: down cannot be reached: [^"]+"\/>/);
    expect(summaryText(m)).not.toMatch(/^ {4}(up|down):$/m);
  }, 30_000);
});
