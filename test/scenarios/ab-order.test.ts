import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenarios } from '../../src/scenarios/load.js';
import { Progress } from '../../src/scenarios/progress.js';
import { runScenarios } from '../../src/scenarios/runner.js';
import { YamlSource } from '../../src/config/yaml-source.js';

/** A server that counts what it answers. */
async function counting(): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, hits: () => hits };
}

let a: Awaited<ReturnType<typeof counting>>;
let b: Awaited<ReturnType<typeof counting>>;
beforeAll(async () => void ([a, b] = await Promise.all([counting(), counting()])));
afterAll(() => Promise.all([a, b].map((s) => new Promise((r) => s.server.close(r)))));

async function compared(extra: string) {
  const lines: string[] = [];
  const out = new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
  const yaml = `configurations:
  A: { baseUrl: "${a.url}" }
  B: { baseUrl: "${b.url}" }
scenarios:
  - name: order
    smoke: false
    compare: [A, B]
    repeat: 4
    retries: 0
    requests: [{ path: /x }]
    load: [{ rate: 50, duration: 100ms }]
${extra}`;
  const [hitsA, hitsB] = [a.hits(), b.hits()];
  const model = await runScenarios(parseScenarios(YamlSource.parse('order.yaml', yaml), {}), { progress: new Progress(out, false, 5000, false) });
  // The run order as the progress lines name it: "order · A · rate 50 req/s warm-up: …", "… #1: …".
  const order = lines.flatMap((l) => {
    const m = / · ([AB]) · rate 50 req\/s (warm-up|#\d+)/.exec(l);
    return m ? [`${m[1]} ${m[2]}`] : [];
  });
  return { model, order, hits: [a.hits() - hitsA, b.hits() - hitsB] };
}

describe('A/B run order', () => {
  it('warms both sides up first, not counted, then lets them take turns going first', async () => {
    const { model, order, hits } = await compared('');
    expect(order).toEqual(['A warm-up', 'B warm-up', 'A #1', 'B #1', 'B #2', 'A #2', 'A #3', 'B #3', 'B #4', 'A #4']);
    const [p50] = model.scenarios[0]!.comparisons;
    // Four measured runs a side; the warm-up reached the services but is in no result.
    expect([p50!.a.runs.length, p50!.b.runs.length]).toEqual([4, 4]);
    expect(model.scenarios[0]!.configurations.map((c) => c.phases.length)).toEqual([4, 4]);
    // 4 measured runs of 5 requests a side: more than 20 arrived, so the warm-up's did too.
    for (const h of hits) expect(h).toBeGreaterThan(20);
    expect(p50!.method).toContain('after 1 warm-up round, each side first in alternate rounds');
  });

  it('warmup: 0 measures from the first run; warmup without compare is refused naming the field', async () => {
    const { order, model } = await compared('    warmup: 0\n');
    expect(order).toEqual(['A #1', 'B #1', 'B #2', 'A #2', 'A #3', 'B #3', 'B #4', 'A #4']);
    expect(model.scenarios[0]!.comparisons[0]!.method).not.toContain('warm-up');
    const refused = () => parseScenarios(YamlSource.parse('w.yaml', `configurations:\n  A: { baseUrl: "${a.url}" }\nscenarios:\n  - name: w\n    warmup: 2\n    load: [{ rate: 1, duration: 1s }]\n`), {});
    expect(refused).toThrow(/^w\.yaml:5:13: scenarios\[0\]\.warmup: only applies with compare: \[A, B\]/);
  });
});
