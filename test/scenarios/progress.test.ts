import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YamlSource } from '../../src/config/yaml-source.js';
import { parseScenarios } from '../../src/scenarios/load.js';
import { Progress } from '../../src/scenarios/progress.js';
import { runScenarios } from '../../src/scenarios/runner.js';

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => void (req.resume(), res.end('ok')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('scenario progress', () => {
  it('counts an open phase against its scheduled requests, so a schedule behind the clock is not shown as done', async () => {
    const lines: string[] = [];
    const out = new Writable({ write: (c: Buffer, _e, done) => void (lines.push(...String(c).split('\n').filter(Boolean)), done()) });
    const yaml = `configurations:\n  a: { baseUrl: "${url}" }\nscenarios:\n  - name: p\n    smoke: false\n    load:\n      - { rate: 40, duration: 500ms }\n      - { ramp: { from: 20, to: 60 }, duration: 500ms }\n`;
    await runScenarios(parseScenarios(YamlSource.parse('p.yaml', yaml), {}), { progress: new Progress(out, false, 0, true) });
    const live = (phase: string) => lines.filter((l) => l.includes(`${phase}:`) && l.includes(' done '));
    expect(live('rate 40 req/s').length).toBeGreaterThan(0);
    for (const l of live('rate 40 req/s')) expect(l).toMatch(/ done \d+\/20 \(\d+%\)/);
    for (const l of live('ramp 20→60 req/s')) expect(l).toMatch(/ done \d+\/20 \(\d+%\)/);
  }, 30_000);
});
