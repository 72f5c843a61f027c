import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { LOOSE_GATE, readSummary, runCli } from '../helpers/replay-fixtures.js';
import { hasher } from '../../src/stages/redact/key.js';
import { readCaptureFile } from '../../src/formats/capture-file.js';
import { REDACT_KEY, recordVisits, startApp, usersOf } from './app-fixture.js';

const dir = tempDir('shadowtap-staging-');
const prodDb = usersOf('prod');
const stgDb = usersOf('stg');
const hash = hasher(Buffer.from(REDACT_KEY, 'utf8'));
/** Every secret either side knows: none may appear in what a replay writes. */
const SECRETS = [prodDb, stgDb].flatMap((d) => [...d.users.flatMap((u) => [u.password, u.apiToken]), d.clients[0]!.secret]);
const ENV = Object.fromEntries(stgDb.users.flatMap((u) => [[`STG_${u.name.toUpperCase()}_PW`, u.password]]).concat([['STG_CLIENT_SECRET', stgDb.clients[0]!.secret]]));
const outputs: string[] = [];

async function capturedStatuses(capture: string): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for await (const ex of readCaptureFile(capture)) if (ex.response) m.set(ex.id, ex.response.status);
  return m;
}

function results(path: string): { id: string; status?: number }[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; status?: number });
}

describe('replay against staging: the example app (login cookie, CSRF form, bearer API)', async () => {
  const prod = await startApp(dir, 'prod', prodDb);
  const stg = await startApp(dir, 'stg', stgDb);
  afterAll(async () => {
    await prod.stop();
    await stg.stop();
  });
  const capture = await recordVisits(dir, prod.url, prodDb.users, 12);
  const recorded = await capturedStatuses(capture);
  // Passwords by value, API tokens through files: both kinds of reference.
  const map = prodDb.users.flatMap((u, i) => {
    writeFileSync(join(dir, `token-${i}`), `${stgDb.users[i]!.apiToken}\n`, { mode: 0o600 });
    return [`"${hash(u.password)}": env:STG_${u.name.toUpperCase()}_PW`, `"${hash(u.apiToken)}": file:./token-${i}`];
  });
  writeFileSync(join(dir, 'map.yaml'), map.join('\n') + '\n');
  writeFileSync(join(dir, 'staging.yaml'), 'credentials:\n  map: ./map.yaml\nextract:\n  - from: html-input:csrf_token\n    to: form:csrf_token\n');

  it('recorded with redaction: the capture holds no password or token, 96 exchanges', () => {
    const text = readFileSync(capture, 'utf8');
    expect(recorded.size).toBe(96);
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(text).toContain(hash(prodDb.users[0]!.password));
  });

  it('with the credential map and the CSRF rule, ≥ 99 % of requests get the recorded status', async () => {
    const res = join(dir, 'mapped.jsonl');
    const sum = join(dir, 'mapped.json');
    const r = await runCli(['replay', capture, '-t', stg.url, '--staging', join(dir, 'staging.yaml'), '--results', res, '--summary', sum, '--report', join(dir, 'report-mapped'), ...LOOSE_GATE], ENV);
    outputs.push(r.stdout, r.stderr, res, sum, join(dir, 'report-mapped'));
    expect(r.stderr).not.toMatch(/error/i);
    const got = results(res);
    expect(got).toHaveLength(96);
    const same = got.filter((g) => g.status === recorded.get(g.id)).length;
    expect(same / got.length).toBeGreaterThanOrEqual(0.99);
    const t = readSummary(sum).staging!.targets[0]!;
    expect(t.credentials.mapped).toBeGreaterThanOrEqual(48); // 12 logins + 36 API calls
    expect(t.lackingCredentials.count).toBe(0);
  });

  it('without the map, the summary and its text name the requests that failed for lack of credentials', async () => {
    const sum = join(dir, 'bare.json');
    const report = join(dir, 'report-bare');
    const r = await runCli(['replay', capture, '-t', stg.url, '--summary', sum, '--report', report, ...LOOSE_GATE]);
    outputs.push(r.stdout, r.stderr, sum, report);
    const t = readSummary(sum).staging!.targets[0]!;
    // Logins (password), API calls (token); the session pages follow from the failed logins but carry the recorded cookie.
    expect(t.lackingCredentials.count).toBeGreaterThanOrEqual(48);
    expect(new Set(t.lackingCredentials.examples.map((e) => e.endpoint))).toContain('GET /api/items/{id}');
    expect(r.stdout).toMatch(/\d+ requests failed for lack of credentials/);
    expect(readFileSync(join(report, 'index.html'), 'utf8')).toMatch(/\d+ requests failed for lack of credentials/);
  });

  it('OAuth2 client credentials expiring every 5 s, 200 req/s for 12 s: no 401 in the results; token requests logged', async () => {
    writeFileSync(join(dir, 'oauth.yaml'), `oauth2:\n  tokenUrl: ${stg.url}/oauth/token\n  clientId: replay\n  clientSecret: env:STG_CLIENT_SECRET\n  refreshBeforeMs: 1500\n`);
    const res = join(dir, 'oauth.jsonl');
    const sum = join(dir, 'oauth.json');
    const r = await runCli(['replay', capture, '-t', stg.url, '--staging', join(dir, 'oauth.yaml'), '--allow', '^/api/', '--rate', '200', '--duration', '12s', '--loop', 'forever', '--no-compare', '--results', res, '--summary', sum, ...LOOSE_GATE], ENV, 90_000);
    outputs.push(r.stdout, r.stderr, res, sum);
    const got = results(res);
    expect(got.length).toBeGreaterThan(2000);
    expect(got.filter((g) => g.status === 401)).toEqual([]);
    const logged = Number(/(\d+) token requests/.exec(r.stderr)?.[1]);
    const issued = ((await (await fetch(`${stg.url}/_stats`)).json()) as { tokensIssued: number }).tokensIssued;
    expect(logged).toBe(issued);
    expect(logged).toBeGreaterThanOrEqual(3); // the first, then one per ~3.5 s of a 5 s token
    expect(readSummary(sum).staging!.targets[0]!.tokenRequests).toBe(logged);
  });

  it('plugins: an id rewritten and a field ignored; a hook that throws marks one request and the run goes on', async () => {
    const plugins = join(import.meta.dirname, '..', '..', 'examples', 'plugins');
    const base = ['replay', capture, '-t', stg.url, '--staging', join(dir, 'staging.yaml'), '--allow', '^/api/', ...LOOSE_GATE];
    const plain = join(dir, 'plain.json');
    const p0 = await runCli([...base, '--summary', plain], ENV);
    const rewritten = join(dir, 'rewritten.json');
    const p1 = await runCli([...base, '--plugin', join(plugins, 'rewrite-id.mjs'), '--summary', rewritten], ENV);
    const thrown = join(dir, 'thrown.json');
    const report = join(dir, 'report-thrown');
    const p2 = await runCli([...base, '--plugin', join(plugins, 'throws-once.mjs'), '--summary', thrown, '--report', report], ENV);
    outputs.push(p0.stdout, p0.stderr, p1.stdout, p1.stderr, p2.stdout, p2.stderr, plain, rewritten, thrown, report);
    const fields = (p: string): string[] => readSummary(p).differences!.targets[0]!.fields.map((f) => f.field);
    expect(fields(plain)).toContain('body:$.servedAt');
    expect(fields(rewritten)).toEqual([]);
    expect(readSummary(rewritten).staging!.targets[0]!.hookErrors.count).toBe(0);
    const s2 = readSummary(thrown);
    expect(s2.targets[0]!.requests).toBe(36);
    expect(s2.staging!.targets[0]!.hookErrors).toEqual({ count: 1, examples: [{ id: expect.any(String), hook: 'request', message: 'cannot map item 0' }] });
    expect(s2.validity.hooks!.calls).toBe(36);
    expect(p2.stdout).toMatch(/plugin hooks threw on 1 requests/);
    expect(readFileSync(join(report, 'index.html'), 'utf8')).toMatch(/plugin hooks threw on 1 requests/);
  });

  it('no secret, recorded or staging, in results, summaries, reports or logs', () => {
    const texts = outputs.flatMap((o) => {
      try {
        const st = statSync(o);
        return st.isDirectory() ? readdirSync(o).map((f) => readFileSync(join(o, f), 'utf8')) : [readFileSync(o, 'utf8')];
      } catch {
        return [o]; // stdout/stderr text
      }
    });
    expect(texts.length).toBeGreaterThan(20);
    for (const t of texts) for (const s of SECRETS) expect(t).not.toContain(s);
  });
});
