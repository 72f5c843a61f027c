import { connect } from 'node:net';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangesFromPcapFile } from '../../src/capture/input-file.js';
import { newCaptureStats } from '../../src/capture/tcp/stream-sink.js';
import { headerValue, type Exchange } from '../../src/exchange.js';
import { bodyBytes } from '../../src/body.js';
import { tempDir } from '../helpers/tmp.js';
import { run, shadowtap, startNginx, startNodeServer, startTcpdump, tsharkHttp } from '../helpers/capture-tools.js';

/**
 * Real clients (curl, wrk, ab, a raw socket) against real servers (node http, nginx) on loopback, recorded
 * at once by three tcpdumps (lo µs, any → SLL2, lo ns) plus a pcapng made by editcap; every file must
 * give the exchanges tshark's own HTTP dissector finds in it.
 */
const dir = tempDir('shadowtap-real-');
const files = { lo: join(dir, 'lo.pcap'), any: join(dir, 'any.pcap'), nano: join(dir, 'nano.pcap'), ng: join(dir, 'lo.pcapng') };
let node: Awaited<ReturnType<typeof startNodeServer>>;
let node6: Awaited<ReturnType<typeof startNodeServer>>;
let piped: Awaited<ReturnType<typeof startNodeServer>>;
let nginx: Awaited<ReturnType<typeof startNginx>>;
const pipelined = ['/p1', '/p2?x=1', '/p3', '/p4'];
/** What each tcpdump reported as dropped by the kernel: a lossy file cannot be held to the exact comparisons. */
let drops: Record<keyof typeof files, number>;

/** Every item of `part` occurs in `whole` at least as often. */
function expectContained(part: string[], whole: string[]): void {
  const left = new Map<string, number>();
  for (const w of whole) left.set(w, (left.get(w) ?? 0) + 1);
  for (const p of part) {
    expect(left.get(p) ?? 0, p).toBeGreaterThan(0);
    left.set(p, left.get(p)! - 1);
  }
}

async function exchangesOf(file: string): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for await (const ex of exchangesFromPcapFile(file, { stats: newCaptureStats() })) out.push(ex);
  return out;
}

/** Pairs the i-th request with the i-th final response per TCP stream: HTTP/1.1 order, without pipelining. */
async function tsharkExchanges(file: string, port: number): Promise<string[]> {
  const byStream = new Map<number, { req: string[]; res: number[] }>();
  for (const m of await tsharkHttp(file, port)) {
    const s = byStream.get(m.stream) ?? { req: [], res: [] };
    byStream.set(m.stream, s);
    if (m.method) {
      const methods = m.method.split(',');
      const uris = (m.uri ?? '').split(',');
      methods.forEach((meth, i) => s.req.push(`${meth} ${uris[i]}`));
    } else if (m.status !== undefined && m.status >= 200) s.res.push(m.status);
  }
  const rows: string[] = [];
  for (const s of byStream.values()) s.req.forEach((r, i) => rows.push(`${r} ${s.res[i] ?? '-'}`));
  return rows.sort();
}

const rowsFor = (exs: Exchange[], port: number): string[] =>
  exs
    .filter((e) => e.connection?.serverPort === port)
    .map((e) => `${e.request.method} ${e.request.target} ${e.response?.status ?? '-'}`)
    .sort();

beforeAll(async () => {
  [node, node6, piped, nginx] = await Promise.all([startNodeServer(), startNodeServer('::1'), startNodeServer(), startNginx(dir)]);
  const filter = [node.port, node6.port, piped.port, nginx.port].map((p) => `tcp port ${p}`).join(' or ');
  const dumps = await Promise.all([
    startTcpdump(['-i', 'lo', '-w', files.lo, filter]),
    startTcpdump(['-i', 'any', '-w', files.any, filter]),
    startTcpdump(['-i', 'lo', '--time-stamp-precision', 'nano', '-w', files.nano, filter]),
  ]);
  const n = `http://127.0.0.1:${node.port}`;
  const g = `http://127.0.0.1:${nginx.port}`;
  const big = join(dir, 'upload.bin');
  writeFileSync(big, Buffer.alloc(300_000, 'x'));
  const curl = (...a: string[]) => run('curl', ['-s', '-o', '/dev/null', ...a]);
  await curl(`${n}/ka/1`, `${n}/ka/2?q=%20x`, `${n}/ka/3`); // keep-alive: three requests, one connection
  await curl('-H', 'Transfer-Encoding: chunked', '--data-binary', `@${big}`, `${n}/chunked-upload`);
  await curl('-H', 'Expect: 100-continue', '--data-binary', `@${big}`, `${n}/continue`);
  await curl('-I', `${n}/head`);
  await curl(`${n}/chunked/response`);
  await curl('--compressed', `${g}/index.html`, `${g}/missing`);
  await curl('-H', 'Transfer-Encoding: chunked', '--data-binary', `@${big}`, `${g}/upload`);
  await curl('-g', `http://[::1]:${node6.port}/v6/node`, `http://[::1]:${nginx.port}/index.html`);
  await run('wrk', ['-t1', '-c1', '-d200ms', `${n}/wrk`]);
  await run('ab', ['-q', '-n', '150', '-c', '3', `${g}/index.html`]); // HTTP/1.0, a new connection each
  await run('ab', ['-q', '-k', '-n', '150', '-c', '2', `${n}/ab-keepalive`]);
  const sock = connect(piped.port, '127.0.0.1');
  await once(sock, 'connect');
  let got = '';
  sock.setEncoding('utf8').on('data', (s: string) => (got += s));
  const last = pipelined.length - 1;
  sock.write(pipelined.map((p, i) => `${i === 2 ? 'HEAD' : 'GET'} ${p} HTTP/1.1\r\nHost: x\r\n${i === last ? 'Connection: close\r\n' : ''}\r\n`).join(''));
  await once(sock, 'end');
  sock.end();
  expect(got.match(/HTTP\/1.1 200/g)).toHaveLength(pipelined.length);
  const reports = await Promise.all(dumps.map((d) => d.stop()));
  const dropped = (r: string) => Number(/(\d+) packets? dropped by kernel/.exec(r)?.[1] ?? NaN);
  drops = { lo: dropped(reports[0]!), any: dropped(reports[1]!), nano: dropped(reports[2]!), ng: dropped(reports[0]!) };
  await run('editcap', ['-F', 'pcapng', files.lo, files.ng]);
}, 90_000);

afterAll(async () => {
  await Promise.all([node?.close(), node6?.close(), piped?.close(), nginx?.stop()]);
});

describe('captures of real clients and servers', () => {
  it.each(Object.keys(files) as (keyof typeof files)[])('%s: the exchanges equal what tshark dissects', async (kind) => {
    const exs = await exchangesOf(files[kind]);
    if (drops[kind] !== 0) {
      // tcpdump lost packets (this machine is shared and was too busy): what shadowtap reports whole must
      // still be what tshark sees, and the rest must be flagged, never silently wrong.
      console.warn(`${kind}: tcpdump dropped ${drops[kind]} packets; checking the lossy form`);
      for (const port of [node.port, node6.port, nginx.port]) expectContained(rowsFor(exs.filter((e) => !e.flags?.length), port), await tsharkExchanges(files[kind], port));
      return;
    }
    for (const port of [node.port, node6.port, nginx.port]) {
      const ours = rowsFor(exs, port);
      expect(ours.length).toBeGreaterThan(0);
      expect(ours).toEqual(await tsharkExchanges(files[kind], port));
    }
    // The node server counted every request it answered; the capture saw each one.
    expect(exs.filter((e) => e.connection?.serverPort === node.port).length + exs.filter((e) => e.connection?.serverPort === node6.port).length).toBe(node.count() + node6.count());
    for (const e of exs) {
      const t = e.timing;
      expect(t.requestEndUs).toBeGreaterThanOrEqual(t.requestStartUs);
      // nginx answers /upload before it has read the body (a `return` needs none): that, and only that,
      // is flagged early-response; the response still cannot start before the request did.
      const early = t.responseStartUs! < t.requestEndUs;
      if (early) expect(e.request.target).toBe('/upload');
      expect(t.responseStartUs!).toBeGreaterThanOrEqual(t.requestStartUs);
      expect(t.responseEndUs!).toBeGreaterThanOrEqual(t.responseStartUs!);
      // wrk stops with requests in flight: those may lack a response, and say so; nothing else may be flagged.
      expect(e.flags ?? [], e.request.target).toEqual(e.request.target === '/wrk' && !e.response ? ['no-response'] : early ? ['early-response'] : []);
    }
  });

  it('pipelined requests pair in order (tshark pairs every response with the last request)', async () => {
    const exs = (await exchangesOf(files.lo)).filter((e) => e.connection?.serverPort === piped.port);
    // The truth: HTTP/1.1 answers pipelined requests in the order they were sent (RFC 9112 §9.3.2), and
    // each body names its request. tshark's response_for.uri credits all of them to the last request of
    // the segment, because it tracks one outstanding request per segment, not a queue.
    expect(exs.map((e) => `${e.request.method} ${e.request.target}`)).toEqual(pipelined.map((p, i) => `${i === 2 ? 'HEAD' : 'GET'} ${p}`));
    exs.forEach((e, i) => {
      expect(e.response?.status).toBe(200);
      if (i !== 2) expect(bodyBytes(e.response?.body).toString()).toBe(`GET ${pipelined[i]} 0\n`);
    });
    const tsharkRequests = (await tsharkHttp(files.lo, piped.port)).flatMap((m) => (m.method ? m.method.split(',') : []));
    expect(tsharkRequests).toHaveLength(pipelined.length);
  });

  it('keeps what the protocol cases need: 100-continue, HEAD, chunked, gzip, IPv6', async () => {
    const exs = await exchangesOf(files.lo);
    const by = (t: string) => exs.find((e) => e.request.target === t)!;
    expect(by('/continue').response?.interim?.map((i) => i.status)).toEqual([100]);
    expect(by('/continue').response?.status).toBe(200);
    expect(by('/continue').request.body?.size).toBe(300_000);
    expect(by('/chunked-upload').request.body?.size).toBe(300_000);
    expect(bodyBytes(by('/chunked/response').response?.body).toString()).toBe('part one of /chunked/response\npart two, got 0\n');
    expect(by('/head').request.method).toBe('HEAD');
    const gz = exs.find((e) => e.request.target === '/index.html' && e.connection?.clientIp === '127.0.0.1' && headerValue(e.response!.headers, 'content-encoding') === 'gzip')!;
    expect(gunzipSync(bodyBytes(gz.response?.body)).toString()).toMatch(/^<html>(hello nginx ){400}<\/html>\n$/);
    expect(by('/v6/node').connection?.clientIp).toBe('::1');
  });

  it('gives identical exchanges from the pcap and the pcapng made of it, and the same requests from the ns capture', async () => {
    const [lo, ng, nano, any] = await Promise.all([exchangesOf(files.lo), exchangesOf(files.ng), exchangesOf(files.nano), exchangesOf(files.any)]);
    const strip = (e: Exchange) => ({ ...e, source: undefined });
    expect(ng.map(strip)).toEqual(lo.map(strip));
    const key = (e: Exchange) => `${e.connection?.clientPort} ${e.request.method} ${e.request.target} ${e.response?.status}`;
    for (const [kind, other] of [['nano', nano], ['any', any]] as const) {
      if (drops.lo === 0 && drops[kind] === 0) expect(other.map(key).sort()).toEqual(lo.map(key).sort());
      else if (drops.lo === 0) expectContained(other.filter((e) => !e.flags?.length).map(key), lo.map(key));
      else if (drops[kind] === 0) expectContained(lo.filter((e) => !e.flags?.length).map(key), other.map(key));
      else expect(other.length * lo.length).toBeGreaterThan(0); // both lossy: nothing exact to compare
    }
  });

  it('the CLI writes a capture file and prints the summary', async () => {
    const out = join(dir, 'cli.jsonl');
    const r = await shadowtap(['capture', '--read', files.any, '--port', String(node.port), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/packets \d+ .*flows \d+, exchanges \d+/);
    const cat = await shadowtap(['cat', out]);
    const lines = cat.stdout.trim().split('\n');
    expect(lines.length).toBe(rowsFor(await exchangesOf(files.any), node.port).length);
    const fromStdin = await shadowtap(['capture', '--read', '-', '--port', String(node.port), '--out', '-'], { input: readFileSync(files.any) });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout.trim().split('\n').length - 1).toBe(lines.length); // minus the header line
    for (const l of lines) expect(l).toMatch(/^\d{16}\t[A-Z]+\t\/\S*\t(\d{3}\t\d+|-\t-)$/);
  });
});
