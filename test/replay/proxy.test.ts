import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tempDir } from '../helpers/tmp.js';
import { recorded, writeCapture, runCli, startServer, readSummary, freePort, LOOSE_GATE } from '../helpers/replay-fixtures.js';
import { selfSignedCert, startTinyproxy, type Tinyproxy } from '../helpers/replay-proxy.js';
import { listenLoopback } from '../helpers/listen.js';

const dir = tempDir('shadowtap-proxy-');

describe('replay through a real forward proxy (tinyproxy)', () => {
  let proxy: Tinyproxy;
  let http: Awaited<ReturnType<typeof startServer>>;
  let https: Server;
  let httpsUrl = '';
  let httpsHits = 0;
  let capture = '';
  let certPath = '';
  const authed = (): string => proxy.url.replace('http://', 'http://user:pa55@');

  beforeAll(async () => {
    const cert = selfSignedCert(dir);
    certPath = cert.certPath;
    https = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      httpsHits++;
      req.resume();
      req.on('end', () => res.end('{"tls":true}'));
    });
    await listenLoopback(https);
    httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
    http = await startServer();
    proxy = await startTinyproxy(dir);
    capture = await writeCapture(join(dir, 'c.jsonl'), [0, 1, 2].map((i) => recorded(i, i * 5)));
  });
  afterAll(async () => {
    await proxy?.stop();
    await http?.close();
    https?.closeAllConnections();
    await new Promise((r) => https?.close(r));
  });

  const replay = async (target: string, extra: string[], env: NodeJS.ProcessEnv = {}): Promise<ReturnType<typeof readSummary> & { code: number | null; stderr: string }> => {
    const summary = join(dir, `s-${Math.random().toString(36).slice(2)}.json`);
    const r = await runCli(['replay', capture, '-t', target, '--summary', summary, '--connect-timeout', '3s', '--timeout', '5s', ...LOOSE_GATE, ...extra], env, 30_000);
    // Every request failing is a failed run (the error-rate gate), said on stderr; a run that passes is silent.
    expect(r.code === 0 ? r.stderr : '').toBe('');
    return { ...readSummary(summary), code: r.code, stderr: r.stderr };
  };

  it('an http target through --proxy with credentials from the URL', async () => {
    http.received.length = 0;
    const s = await replay(http.url, ['--proxy', authed()]);
    expect(s.targets[0]!.statuses).toEqual({ '200': 3 });
    expect(http.received).toHaveLength(3);
    for (const r of http.received) expect(r.rawHeaders.join('\n')).toMatch(/tinyproxy/i); // its Via header
  });

  it('an https target through a CONNECT tunnel, certificate trusted with --ca', async () => {
    const before = httpsHits;
    const s = await replay(httpsUrl, ['--proxy', authed(), '--ca', certPath]);
    expect(s.targets[0]!.statuses).toEqual({ '200': 3 });
    expect(httpsHits - before).toBe(3);
    expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${new URL(httpsUrl).port}`);
  });

  it('an untrusted certificate is a tls error; --insecure accepts it', async () => {
    const untrusted = await replay(httpsUrl, ['--proxy', authed()]);
    expect(untrusted.targets[0]!.errors).toEqual({ tls: 3 });
    expect(untrusted.code).toBe(1);
    expect((await replay(httpsUrl, ['--proxy', authed(), '--insecure'])).targets[0]!.statuses).toEqual({ '200': 3 });
  });

  it('HTTP_PROXY/HTTPS_PROXY are honoured, NO_PROXY and --no-env-proxy bypass them', async () => {
    http.received.length = 0;
    await replay(http.url, [], { HTTP_PROXY: authed() });
    expect(http.received.every((r) => /tinyproxy/i.test(r.rawHeaders.join('\n')))).toBe(true);
    const tunnels = (proxy.log().match(/CONNECT 127/g) ?? []).length;
    expect((await replay(httpsUrl, ['--ca', certPath], { https_proxy: authed() })).targets[0]!.statuses).toEqual({ '200': 3 });
    expect((proxy.log().match(/CONNECT 127/g) ?? []).length).toBeGreaterThan(tunnels);
    http.received.length = 0;
    await replay(http.url, [], { HTTP_PROXY: authed(), NO_PROXY: 'localhost,127.0.0.1' });
    await replay(http.url, ['--no-env-proxy'], { HTTP_PROXY: authed() });
    expect(http.received).toHaveLength(6);
    expect(http.received.some((r) => /tinyproxy/i.test(r.rawHeaders.join('\n')))).toBe(false);
  });

  it('a proxy that refuses (407) or is down is a proxy-error that says why, and fails the run (exit 1), without hanging', async () => {
    const why: Record<string, string> = { [http.url]: 'proxy-error: proxy requires authentication: answered 407', [httpsUrl]: 'proxy-error: proxy requires authentication: CONNECT answered 407' };
    for (const target of [http.url, httpsUrl]) {
      const refused = await replay(target, ['--proxy', proxy.url, '--insecure']);
      expect(refused.targets[0]!.errors).toEqual({ 'proxy-error': 3 });
      expect(refused.targets[0]!.errorReasons).toEqual({ [why[target]!]: 3 });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('transport error rate 100 % > 1 %');
    }
    const port = await freePort();
    const t0 = Date.now();
    for (const target of [http.url, httpsUrl]) {
      const down = await replay(target, ['--proxy', `http://127.0.0.1:${port}`, '--insecure']);
      expect(down.targets[0]!).toMatchObject({ errors: { 'proxy-error': 3 }, errorReasons: { [`proxy-error: proxy connection refused 127.0.0.1:${port}`]: 3 } });
      expect(down.verdict).toMatchObject({ result: 'fail', exitCode: 1 });
    }
    const dns = await replay(http.url, ['--proxy', 'http://no-such-proxy.invalid:3128']);
    expect(Object.keys(dns.targets[0]!.errorReasons ?? {})).toEqual([expect.stringMatching(/^proxy-error: proxy host name not resolved \(DNS (ENOTFOUND|EAI_AGAIN)\)/)]);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
