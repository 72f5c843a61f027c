import { describe, expect, it, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync, readFileSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.js';
import { recorded, writeCapture, runCli, startServer, readSummary, LOOSE_GATE } from '../helpers/replay-fixtures.js';

const dir = tempDir('shadowtap-replay-');
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-authorization']);

describe('replay sends what was captured', async () => {
  const server = await startServer((_q, s) => s.end('{}'));
  afterAll(() => server.close());
  const binary = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
  const exchanges = [
    recorded(0, 0, { method: 'GET', target: '/a?x=1&y=%20z', headers: [{ name: 'Host', value: 'prod.example' }, { name: 'X-Multi', value: 'one' }, { name: 'x-multi', value: 'two' }, { name: 'Connection', value: 'keep-alive, X-Hop' }, { name: 'X-Hop', value: 'gone' }, { name: 'Keep-Alive', value: 'timeout=5' }] }),
    recorded(1, 5, { method: 'POST', target: '/users/42/orders', headers: [{ name: 'Host', value: 'prod.example' }, { name: 'Content-Type', value: 'application/json' }, { name: 'Content-Length', value: '13' }], body: '{"qty": 3.50}' }),
    recorded(2, 10, { method: 'DELETE', target: '/users/42', headers: [{ name: 'Host', value: 'prod.example' }, { name: 'Transfer-Encoding', value: 'chunked' }, { name: 'TE', value: 'trailers' }] }),
    recorded(3, 15, { method: 'PUT', target: '/blob', headers: [{ name: 'Host', value: 'prod.example' }, { name: 'Content-Type', value: 'application/octet-stream' }] }),
  ];
  exchanges[3]!.request.body = { base64: binary.toString('base64'), size: binary.length, truncated: false };
  const capture = await writeCapture(join(dir, 'sent.jsonl'), exchanges);

  it('methods, targets, headers (minus hop-by-hop) and bodies arrive exactly; Host is the target\'s', async () => {
    server.received.length = 0;
    const summary = join(dir, 's1.json');
    const r = await runCli(['replay', capture, '--target', server.url, '--summary', summary, '--tag-header', 'X-Replay-Id', ...LOOSE_GATE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = [...server.received].sort((a, b) => a.url.localeCompare(b.url));
    const want = [...exchanges].sort((a, b) => a.request.target.localeCompare(b.request.target));
    expect(got.map((g) => [g.method, g.url])).toEqual(want.map((w) => [w.request.method, w.request.target]));
    for (let i = 0; i < got.length; i++) {
      const g = got[i]!;
      const w = want[i]!;
      const pairs: [string, string][] = [];
      for (let k = 0; k < g.rawHeaders.length; k += 2) pairs.push([g.rawHeaders[k]!, g.rawHeaders[k + 1]!]);
      // The client's own hop-by-hop headers (its Connection: keep-alive) describe its connection, not the replayed message.
      const sent = pairs.filter(([n]) => !HOP.has(n.toLowerCase()) && !/^(host|content-length|x-replay-id)$/i.test(n));
      const expected = w.request.headers.filter((h) => !HOP.has(h.name.toLowerCase()) && !/^(host|content-length|x-hop)$/i.test(h.name)).map((h) => [h.name, h.value]);
      expect(sent).toEqual(expected);
      expect(pairs.find(([n]) => n.toLowerCase() === 'host')?.[1]).toBe(`127.0.0.1:${server.port}`);
      expect(pairs.find(([n]) => n === 'X-Replay-Id')?.[1]).toBe(w.id);
      const body = w.request.body ? Buffer.from(w.request.body.base64 ?? w.request.body.text ?? '', w.request.body.base64 ? 'base64' : 'utf8') : Buffer.alloc(0);
      expect(g.body.equals(body)).toBe(true);
    }
    const s = readSummary(summary);
    expect(s.targets[0]!.requests).toBe(4);
    expect(s.targets[0]!.statuses).toEqual({ '200': 4 });
    expect(s.targets[0]!.endpoints.map((e) => e.endpoint).sort()).toEqual(['DELETE /users/{id}', 'GET /a', 'POST /users/{id}/orders', 'PUT /blob']);
  });

  it('--preserve-host sends the recorded Host; --no-writes and --rewrite-url filter and rewrite', async () => {
    server.received.length = 0;
    const r = await runCli(['replay', capture, '-t', `${server.url}/prefix`, '--preserve-host', '--no-writes', '--rewrite-url', '^/a\\?=>/b?', '--set-header', 'X-Env: staging', ...LOOSE_GATE]);
    expect(r.code).toBe(0);
    expect(server.received.map((g) => [g.method, g.url])).toEqual([['GET', '/prefix/b?x=1&y=%20z']]);
    const raw = server.received[0]!.rawHeaders;
    expect(raw[raw.findIndex((h) => h.toLowerCase() === 'host') + 1]).toBe('prod.example');
    expect(raw[raw.indexOf('X-Env') + 1]).toBe('staging');
  });

  it('a malformed capture line is exit 2 naming the line; --skip-invalid skips and counts it', async () => {
    const bad = join(dir, 'bad.jsonl');
    const lines = readFileSync(capture, 'utf8').trimEnd().split('\n');
    lines.splice(2, 0, '{"not": "an entry"');
    writeFileSync(bad, lines.join('\n') + '\n');
    const r = await runCli(['replay', bad, '-t', server.url, ...LOOSE_GATE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:3:`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const summary = join(dir, 's3.json');
    const ok = await runCli(['replay', bad, '-t', server.url, '--skip-invalid', '--summary', summary, ...LOOSE_GATE]);
    expect(ok.code).toBe(0);
    expect(readSummary(summary).input).toMatchObject({ exchanges: 4, invalid: 1 });
  });

  it('bad usage is exit 2 with a message', async () => {
    const r = await runCli(['replay', capture, ...LOOSE_GATE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target/);
  });
});
