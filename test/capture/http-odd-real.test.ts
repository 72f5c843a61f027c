import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { recordOnLo, shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

// Real TCP on loopback, recorded by tcpdump: a server that answers what curl and browsers never send
// (malformed request lines, an early answer to an upload) and keeps the connection open, as many do.
const dir = tempDir('shadowtap-odd-');
const WELL_FORMED = /^[A-Z]+ \S+ HTTP\/1\.[01]$/;

/** Answers each request head: 200 when its line is HTTP/1.x, else 400; /early is answered 401 before its body arrives. */
async function lenientServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    let buf = Buffer.alloc(0);
    let bodyLeft = 0;
    let pending: string | undefined;
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (let guard = 0; guard < 100; guard++) {
        if (bodyLeft > 0) {
          const n = Math.min(bodyLeft, buf.length);
          bodyLeft -= n;
          buf = buf.subarray(n);
          if (bodyLeft > 0) return;
          if (pending) s.write(pending);
          pending = undefined;
        }
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        const line = head.split('\r\n')[0]!;
        bodyLeft = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        const answer = (code: number): string => `HTTP/1.1 ${code} X\r\nContent-Length: 2\r\n\r\nok`;
        const reply = answer(WELL_FORMED.test(line) ? (line.includes('/early') ? 401 : 200) : 400);
        if (line.includes('/early') || bodyLeft === 0) s.write(reply);
        else pending = reply;
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** One connection: each step's bytes are sent once the answers to the steps before have arrived. */
async function converse(port: number, steps: { send: string; answers: number }[]): Promise<void> {
  const sock = connect(port, '127.0.0.1');
  await once(sock, 'connect');
  let got = '';
  let want = 0;
  sock.setEncoding('latin1');
  const deadline = Date.now() + 10_000;
  for (const step of steps) {
    sock.write(step.send);
    want += step.answers;
    while ((got.match(/HTTP\/1\.1 /g) ?? []).length < want) {
      if (Date.now() > deadline) throw new Error(`no answer to ${JSON.stringify(step.send)}: got ${JSON.stringify(got)}`);
      const [chunk] = (await Promise.race([once(sock, 'data'), once(sock, 'close')])) as [string | undefined];
      if (chunk === undefined) throw new Error('closed early');
      got += chunk;
    }
  }
  sock.end();
  await once(sock, 'close');
}

async function record(name: string, steps: { send: string; answers: number }[]): Promise<{ tsv: string[][]; json: { flags?: string[] }[] }> {
  const server = await lenientServer();
  const file = join(dir, `${name}.pcap`);
  try {
    await recordOnLo(file, server.port, () => converse(server.port, steps));
  } finally {
    await server.close();
  }
  const env = { SHADOWTAP_TSV_LANE: '0' };
  const tsv = await shadowtap(['cat', file, '--format', 'tsv'], { env });
  const json = await shadowtap(['cat', file, '--format', 'json'], { env });
  expect(tsv.code).toBe(0);
  expect(json.code).toBe(0);
  return { tsv: tsv.stdout.trim().split('\n').map((l) => l.split('\t')), json: json.stdout.trim().split('\n').map((l) => JSON.parse(l)) };
}

describe('real traffic on loopback (tcpdump)', () => {
  it('malformed request lines answered by the server are recorded, flagged, in order with the well-formed ones', async () => {
    const { tsv, json } = await record('malformed', [
      { send: 'GET /uri afterspace HTTP/1.1\r\nHost: h\r\n\r\n', answers: 1 },
      { send: 'GET / HTTP/1.\r\nHost: h\r\n\r\n', answers: 1 },
      { send: 'OPTIONS\r\nHost: h\r\n\r\n', answers: 1 },
      { send: `POST /zeros HTTP/1.1\r\nHost: h\r\nContent-Length: 000000000000000000000000005\r\n\r\nhello`, answers: 1 },
      { send: 'GET /last HTTP/1.1\r\nHost: h\r\n\r\n', answers: 1 },
    ]);
    expect(tsv.map((f) => [f[1], f[2], f[3]])).toEqual([
      ['GET', '/uri', '400'],
      ['GET', '/', '400'],
      ['OPTIONS', '', '400'],
      ['POST', '/zeros', '200'],
      ['GET', '/last', '200'],
    ]);
    expect(json.map((e) => e.flags)).toEqual([['malformed'], ['malformed'], ['malformed'], undefined, undefined]);
  });

  it('an answer before the upload ended: flagged early-response, latency from the request start, never negative', async () => {
    const body = 'u'.repeat(20_000);
    const { tsv, json } = await record('early', [
      { send: `POST /early HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 100)}`, answers: 1 },
      { send: body.slice(100), answers: 0 },
    ]);
    expect(tsv).toHaveLength(1);
    expect(tsv[0]![3]).toBe('401');
    expect(Number(tsv[0]![4])).toBeGreaterThanOrEqual(0);
    expect(json[0]!.flags).toEqual(['early-response']);
  });
});
