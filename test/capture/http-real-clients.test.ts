import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync, gunzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bodyBytes } from '../../src/body.js';
import { headerValue, type Exchange } from '../../src/exchange.js';
import { startTap, type Tap } from '../helpers/http-tap.js';
import { tempDir } from '../helpers/tmp.js';
import { listenLoopback } from '../helpers/listen.js';

const run = promisify(execFile);
const dir = tempDir('shadowtap-http-real-');
const GZ_TEXT = 'compressible '.repeat(200);

let server: http.Server;
let tap: Tap;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      if (req.method === 'HEAD') {
        res.writeHead(200, { 'Content-Length': '1234' }).end(); // what the GET would have sent
      } else if (req.url === '/gz') {
        res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain' }).end(gzipSync(GZ_TEXT));
      } else if (req.url === '/stream') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }); // no length: Node sends it chunked
        res.write('part one, ');
        setTimeout(() => res.end('part two'), 5);
      } else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, bytes: Buffer.concat(parts).length }));
    });
  });
  await listenLoopback(server);
  tap = await startTap((server.address() as net.AddressInfo).port);
  base = `http://127.0.0.1:${tap.port}`;
});

afterAll(async () => {
  await tap.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function curl(...args: string[]): Promise<Exchange[]> {
  const before = tap.exchanges.length;
  await run('curl', ['-sS', '-o', '/dev/null', ...args], { timeout: 15_000 });
  await tap.idle();
  return tap.exchanges.slice(before);
}

function ordered(ex: Exchange): void {
  const t = ex.timing;
  expect(t.requestStartUs).toBeLessThanOrEqual(t.requestEndUs);
  expect(t.requestEndUs).toBeLessThanOrEqual(t.responseStartUs!);
  expect(t.responseStartUs).toBeLessThanOrEqual(t.responseEndUs!);
}

describe('HTTP sink on real connections (curl and a node server, bytes tapped in-process)', () => {
  it('curl keep-alive: several requests on one connection, each paired', async () => {
    const exs = await curl(`${base}/a`, '-o', '/dev/null', `${base}/b?x=1&y=%20`, '-o', '/dev/null', `${base}/c`);
    expect(exs.map((e) => [e.request.method, e.request.target, e.response?.status])).toEqual([
      ['GET', '/a', 200],
      ['GET', '/b?x=1&y=%20', 200],
      ['GET', '/c', 200],
    ]);
    expect(new Set(exs.map((e) => e.connection?.clientPort)).size).toBe(1);
    expect(JSON.parse(exs[1]!.response!.body!.text!)).toEqual({ method: 'GET', url: '/b?x=1&y=%20', bytes: 0 });
    exs.forEach(ordered);
  });

  it('chunked upload and a chunked response', async () => {
    const file = join(dir, 'up.bin');
    writeFileSync(file, Buffer.alloc(70_000, 7));
    const [ex] = await curl('-H', 'Transfer-Encoding: chunked', '--data-binary', `@${file}`, `${base}/stream`);
    expect(headerValue(ex!.request.headers, 'transfer-encoding')).toBe('chunked');
    expect(ex!.request.body?.size).toBe(70_000);
    expect(bodyBytes(ex!.request.body).equals(Buffer.alloc(70_000, 7))).toBe(true);
    expect(ex!.response?.body?.text).toBe('part one, part two');
    expect(ex!.flags).toBeUndefined();
    ordered(ex!);
  });

  it('Expect: 100-continue: the interim 100 is recorded and the request paired with the final 200', async () => {
    const file = join(dir, 'big.bin');
    writeFileSync(file, Buffer.alloc(2_000_000, 1));
    const [ex] = await curl('-H', 'Expect: 100-continue', '--data-binary', `@${file}`, `${base}/upload`);
    expect(ex!.response?.interim?.map((i) => i.status)).toEqual([100]);
    expect(ex!.response?.status).toBe(200);
    expect(ex!.request.body).toMatchObject({ size: 2_000_000, truncated: true });
    expect(JSON.parse(ex!.response!.body!.text!).bytes).toBe(2_000_000);
    expect(ex!.response!.interim![0]!.atUs).toBeLessThanOrEqual(ex!.timing.requestEndUs);
  });

  it('HEAD: no body read although Content-Length is set; gzip bodies are stored as on the wire', async () => {
    const [head] = await curl('-I', `${base}/h`);
    expect([head!.request.method, head!.response?.status, head!.response?.body]).toEqual(['HEAD', 200, undefined]);
    expect(headerValue(head!.response!.headers, 'content-length')).toBe('1234');
    const [gz] = await curl('--compressed', `${base}/gz`);
    expect(headerValue(gz!.response!.headers, 'content-encoding')).toBe('gzip');
    expect(gunzipSync(bodyBytes(gz!.response!.body)).toString()).toBe(GZ_TEXT);
  });

  it('a raw socket sending pipelined requests in one write gets N exchanges in order', async () => {
    const before = tap.exchanges.length;
    const paths = ['/p1', '/p2?q', '/p3'];
    const sock = net.connect(tap.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let got = '';
    sock.on('data', (b) => (got += b.toString('latin1')));
    sock.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`only got: ${got}`)), 10_000);
      const check = setInterval(() => {
        if ((got.match(/HTTP\/1\.1 200/g) ?? []).length === 3) {
          clearInterval(check);
          clearTimeout(t);
          resolve();
        }
      }, 5);
    });
    sock.end();
    await tap.idle();
    const exs = tap.exchanges.slice(before);
    expect(exs.map((e) => [e.request.target, JSON.parse(e.response!.body!.text!).url])).toEqual(paths.map((p) => [p, p]));
    expect(tap.stats.nonHttpBytes).toBe(0);
    expect(tap.stats.unpaired).toBe(0);
  });
});
