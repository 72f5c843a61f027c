import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/report/model.js';
import { recorded, runCli, startBrokenPathServer, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { writeScenarios } from '../helpers/scenarios-files.js';
import { parseError } from '../helpers/scenarios-files.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-scenario-workers-');
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => void (server = await startBrokenPathServer()));
afterAll(() => server.close());

const count = (prefix: string): number => server.received.filter((r) => r.url.startsWith(prefix)).length;

describe('scenario load phases with workers: N', () => {
  it('rate, connections and replay phases over 2 workers: merged counts equal what the target got; thresholds, report and JUnit from the merged result', async () => {
    await writeCapture(join(dir, 'cap.jsonl'), Array.from({ length: 12 }, (_, i) => recorded(i, i * 10, { target: `/users/${i}`, headers: [{ name: 'x-forwarded-for', value: `10.0.0.${i}` }] })));
    const file = writeScenarios(dir, 'scenarios.yaml', `configurations:
  t: { baseUrl: "${server.url}" }
scenarios:
  - name: spread
    smoke: false
    requests:
      - { path: /items, weight: 3 }
      - { path: /broken, weight: 1 }
    load:
      - { name: rated, rate: 200, duration: 1s, workers: 2 }
      - { name: closed, connections: 4, duration: 500ms, workers: 2, requests: [{ path: /closed }] }
      - { name: replayed, replay: cap.jsonl, workers: 2 }
    thresholds:
      errorRate: 20%
      endpoints: { /items: { p99: 5s } }
    validity: { maxLagP99: 1s, maxEventLoopDelayP99: 1s }
`);
    const out = join(dir, 'report');
    const junit = join(dir, 'junit.xml');
    const r = await runCli(['run', file, '--out', out, '--junit', junit, '--quiet']);
    // One in four requests of the mix answers 500: 25% > 20%, so the merged error rate fails the threshold.
    expect(r.code, r.stderr).toBe(1);
    const m = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as ReportModel;
    const [rated, closed, replayed] = m.scenarios[0]!.configurations[0]!.phases;
    // Rate: 200 req/s for 1 s is requests 0..199, striped; each worker sent half, the target got all, once.
    expect(count('/items') + count('/broken')).toBe(200);
    expect(rated!.stats.requests).toBe(200);
    expect(rated!.workers!.map((w) => w.requests)).toEqual([100, 100]);
    const ep = Object.fromEntries(rated!.stats.endpoints.map((e) => [e.endpoint, e]));
    expect([ep['/items']!.requests, ep['/broken']!.requests]).toEqual([count('/items'), count('/broken')]);
    expect(ep['/broken']!.errors).toBe(count('/broken'));
    expect(ep['/broken']!.statuses).toEqual({ '500': count('/broken') });
    expect(rated!.stats.intervals.reduce((n, i) => n + i.offered, 0)).toBe(200);
    expect(rated!.stats.statuses).toEqual({ '200': count('/items'), '500': count('/broken') });
    // Closed: each worker opened 2 of the 4 connections. autocannon stops at its duration without
    // counting the request still in flight on each connection (one process does the same): at most 4.
    expect(closed!.workers).toHaveLength(2);
    const closedSeen = closed!.stats.requests;
    expect(closedSeen).toBeGreaterThan(0);
    expect(count('/closed') - closedSeen).toBeGreaterThanOrEqual(0);
    expect(count('/closed') - closedSeen).toBeLessThanOrEqual(4);
    expect(closed!.stats.statuses).toEqual({ '200': closedSeen });
    // Replay: split by recorded client, every exchange of the capture replayed once.
    expect(count('/users/')).toBe(12);
    expect(replayed!.stats.requests).toBe(12);
    expect(replayed!.workers!.reduce((n, w) => n + w.requests, 0)).toBe(12);
    // The thresholds judged the merged numbers.
    const errorRate = m.scenarios[0]!.thresholds.find((t) => t.metric === 'errorRate' && t.phase === 'rated')!;
    expect(errorRate.pass).toBe(false);
    expect(errorRate.actual).toBeCloseTo(count('/broken') / 200, 3);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<h3>Workers</h3>');
    for (const w of rated!.workers!) expect(html).toContain(w.name);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuite[\s\S]*errorRate/);
  }, 60_000);

  it('refuses what cannot be spread, naming the field', () => {
    const base = `configurations: { t: { baseUrl: "http://127.0.0.1:1" } }\nscenarios:\n  - name: s\n    load:\n`;
    expect(parseError(`${base}      - { connections: 2, duration: 1s, workers: 3 }\n`)).toMatch(/s\.yaml:\d+:\d+.*workers.*more than its 2 connections/);
    expect(parseError(`${base}      - { rate: 5, duration: 1s, workers: 0 }\n`)).toMatch(/workers/);
  });
});
