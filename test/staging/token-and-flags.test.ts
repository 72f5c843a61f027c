import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { runCli, startServer, writeCapture, recorded } from '../helpers/replay-fixtures.js';
import { TokenProvider } from '../../src/replay/staging/oauth2.js';
import { buildStaging } from '../../src/replay/staging/build.js';
import { runLoad } from '../../src/replay/engine.js';
import { exchangeFilter } from '../../src/replay/filters.js';
import type { RequestResult, ScheduledRequest } from '../../src/replay/types.js';
import type { Exchange } from '../../src/exchange.js';

const dir = tempDir('shadowtap-staging-units-');

/** A token endpoint (each token "tN", expires_in from `ttl`) and an API that refuses t1 (revoked server-side). */
async function tokenServer(ttl: number) {
  let n = 0;
  const grants: string[] = [];
  const server = await startServer((req, res, body) => {
    if (req.url === '/token') {
      grants.push(new URLSearchParams(body.toString()).get('grant_type') ?? '');
      n++;
      // Answered a little later, so concurrent callers overlap with the refresh in flight.
      setTimeout(() => res.end(JSON.stringify({ access_token: `t${n}`, expires_in: ttl })), 20);
      return;
    }
    const ok = /^Bearer t([2-9]|\d\d)$/.test(req.headers.authorization ?? '');
    res.statusCode = ok ? 200 : 401;
    res.end('{}');
  });
  return { server, grants, count: () => n };
}

describe('OAuth2 token provider', async () => {
  const t = await tokenServer(3600);
  afterAll(() => t.server.close());

  it('one refresh in flight: many callers after a refused token share one token request', async () => {
    const p = new TokenProvider({ tokenUrl: `${t.server.url}/token`, grant: 'client_credentials', clientId: 'c', clientSecret: 's', refreshBeforeMs: 0 }, 'test');
    await p.start();
    expect(p.current()).toBe('t1');
    const again = await Promise.all(Array.from({ length: 50 }, () => p.rejected('t1')));
    expect(new Set(again)).toEqual(new Set(['t2']));
    expect(p.requests).toBe(2);
    // A caller still holding the old token gets the new one without another request.
    expect(await p.rejected('t1')).toBe('t2');
    expect(p.requests).toBe(2);
  });
});

describe('OAuth2 retry on 401', async () => {
  const t = await tokenServer(3600);
  afterAll(() => t.server.close());

  it('a 401 to a revoked token: refreshed once, the request sent again, no 401 in results', async () => {
    const stage = await buildStaging([t.server.url], [{ config: { oauth2: { tokenUrl: `${t.server.url}/token`, grant: 'client_credentials', header: 'authorization', all: false, refreshBeforeMs: 0 } }, baseDir: dir, where: 'test' }], {});
    const schedule: ScheduledRequest[] = Array.from({ length: 20 }, (_, i) => ({ intendedUs: i * 2000, method: 'GET', target: `/api/${i}`, headers: [{ name: 'Authorization', value: 'Bearer redacted:0123456789abcdef' }], id: `r${i}` }));
    const got: RequestResult[] = [];
    await runLoad({ schedule, targets: [{ url: t.server.url }], stage, warmUp: false, onResult: (r) => got.push(r) });
    expect(got.map((r) => r.status)).toEqual(Array(20).fill(200));
    // "t1" is refused: the first 401 refreshes once, every request that had t1 is sent once more with t2.
    const report = stage.report().targets[0]!;
    expect(report.tokenRequests).toBe(2);
    expect(t.count()).toBe(2);
    expect(report.retriedAfter401).toBeGreaterThanOrEqual(1);
  });
});

describe('secrets and writes on the command line', async () => {
  const server = await startServer();
  afterAll(() => server.close());
  const capture = await writeCapture(join(dir, 'c.jsonl'), [recorded(0, 0, { method: 'GET', target: '/a', headers: [] })]);

  it('a literal --credential is refused (exit 2) without echoing it', async () => {
    const r = await runCli(['replay', capture, '-t', server.url, '--credential', 'Authorization=Bearer s3cr3t-literal', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--credential Authorization: secrets are not taken from the command line/);
    expect(r.stderr).not.toContain('s3cr3t-literal');
  });

  it('a bad staging file names the file and the field (exit 2)', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'oauth2:\n  tokenUrl: ftp://x\n');
    const r = await runCli(['replay', capture, '-t', server.url, '--staging', join(dir, 'bad.yaml'), '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml: oauth2\.tokenUrl: expected an http\(s\) URL/);
  });

  it('--no-writes with --allow-write lets the named writes through', () => {
    const ex = (method: string, target: string): Exchange => ({ id: target, timing: { requestStartUs: 0, requestEndUs: 0 }, request: { method, target, httpVersion: '1.1', headers: [] } }) as unknown as Exchange;
    const keep = exchangeFilter({ noWrites: true, allowWrites: ['POST ^/login$', 'DELETE'] })!;
    expect([ex('POST', '/login'), ex('POST', '/notes'), ex('GET', '/x'), ex('DELETE', '/y'), ex('PUT', '/login')].map(keep)).toEqual([true, false, true, true, false]);
  });
});
