import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '../../src/exchange.js';
import { readGorFile, writeGorFile } from '../../src/formats/gor.js';
import { InputError } from '../../src/errors.js';
import { tempDir } from '../helpers/tmp.js';
import { roundTripSet, comparable, collect } from '../helpers/http-exchanges.js';

const dir = tempDir('shadowtap-gor-');

async function* each<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

describe('GoReplay .gor', () => {
  it('round-trips method, target, headers, bodies, status, interim, trailers and µs timing; mode 0600', async () => {
    const input = roundTripSet();
    const path = join(dir, 'rt.gor');
    expect(await writeGorFile(path, each(input))).toBe(input.length);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const back = await collect(readGorFile(path));
    expect(back.map(comparable)).toEqual(input.map(comparable));
    expect(back.map((e) => e.id)).toEqual(input.map((e) => e.id));
  });

  it('reads records as GoReplay writes them: 3-field headers, type 3 skipped, response before request, split separators', async () => {
    const sep = '\n🐵🙈🙉\n';
    const text =
      `2 bb 1700000000002000000 1000\nHTTP/1.1 204 No Content\r\n\r\n${sep}` +
      `1 aa 1700000000000000000 0\nGET /first HTTP/1.1\r\nHost: x\r\n\r\n${sep}` +
      `2 aa 1700000000001500000 1500000\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n${sep}` +
      `3 aa 1700000000009000000 7\nHTTP/1.1 500 Replayed\r\n\r\n${sep}` +
      `1 bb 1700000000001000000\nDELETE /second HTTP/1.1\r\n\r\n${sep}` +
      `1 cc 1700000000003000000 0\nGET /unanswered HTTP/1.1\r\n\r\n`;
    const path = join(dir, 'gr.gor');
    writeFileSync(path, text);
    const warnings: string[] = [];
    const got = await collect(readGorFile(path, { onWarning: (m) => warnings.push(m) }));
    expect(got.map((e) => [e.id, e.request.method, e.request.target, e.response?.status, e.response?.body?.text, e.flags])).toEqual([
      ['aa', 'GET', '/first', 200, 'hi', undefined],
      ['bb', 'DELETE', '/second', 204, undefined, undefined],
      ['cc', 'GET', '/unanswered', undefined, undefined, ['no-response']],
    ]);
    expect(got[0]!.timing).toEqual({ requestStartUs: 1700000000000000, requestEndUs: 1700000000000000, responseStartUs: 1700000000001500, responseEndUs: 1700000000001500 });
    expect(warnings.join('\n')).toMatch(/1 replayed-response record/);
  });

  it('an id used twice keeps both requests, each paired with the response that follows it', async () => {
    const path = join(dir, 'dup.gor');
    const rec = (t: number, ts: number, payload: string): string => `${t} same ${ts}000000 0\n${payload}\n🐵🙈🙉\n`;
    writeFileSync(path, rec(1, 1, 'GET /one HTTP/1.1\r\n\r\n') + rec(2, 2, 'HTTP/1.1 201 A\r\n\r\n') + rec(1, 3, 'GET /two HTTP/1.1\r\n\r\n') + rec(2, 4, 'HTTP/1.1 202 B\r\n\r\n'));
    const got = await collect(readGorFile(path));
    expect(got.map((e) => [e.request.target, e.response?.status])).toEqual([
      ['/one', 201],
      ['/two', 202],
    ]);
  });

  it('streams: a separator split across read chunks is still found', async () => {
    const input = roundTripSet();
    const path = join(dir, 'chunks.gor');
    await writeGorFile(path, each(input));
    const bytes = readFileSync(path);
    const { splitRecords } = await import('../../src/formats/gor-records.js');
    for (const size of [1, 3, 7, 64]) {
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      const records = await collect(splitRecords(chunks()));
      expect(records.length).toBe(input.length + input.filter((e) => e.response).length);
      expect(Buffer.concat(records.map((r) => Buffer.concat([r, Buffer.from('\n🐵🙈🙉\n')])))).toEqual(bytes);
    }
  });

  it('malformed input is an InputError naming the file, record and line', async () => {
    const path = join(dir, 'bad.gor');
    writeFileSync(path, '1 aa 1700000000000000000 0\nGET / HTTP/1.1\r\n\r\n\n🐵🙈🙉\nnot a header\nxyz\n🐵🙈🙉\n');
    const err = await collect(readGorFile(path)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/bad\.gor: record 2 \(line 6\): expected "<type 1\|2\|3>/);
    const path2 = join(dir, 'bad2.gor');
    writeFileSync(path2, '1 aa 1700000000000000000 0\nthis is not http\n🐵🙈🙉\n');
    await expect(collect(readGorFile(path2))).rejects.toThrow(/bad2\.gor: record 1 \(line 1\): payload is not an HTTP\/1\.x request/);
    const warnings: string[] = [];
    expect(await collect(readGorFile(path2, { skipInvalid: true, onWarning: (m) => warnings.push(m) }))).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('a request line that is not HTTP/1.x (GoReplay records what the server received) is read, flagged malformed', async () => {
    const path = join(dir, 'odd.gor');
    writeFileSync(path, '1 a1 1700000000000000000 0\nGET /uri afterspace HTTP/1.1\r\nHost: h\r\n\r\n\n🐵🙈🙉\n2 a1 1700000000001000000 0\nHTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n\n🐵🙈🙉\n');
    const [ex] = await collect(readGorFile(path));
    expect([ex!.request.method, ex!.request.target, ex!.response?.status, ex!.flags]).toEqual(['GET', '/uri', 400, ['malformed']]);
  });

  it('keeps memory bounded: requests that never get a response are released as no-response', async () => {
    const path = join(dir, 'many.gor');
    const records: string[] = [];
    for (let i = 0; i < 10_050; i++) records.push(`1 r${i} ${1_700_000_000_000_000_000n + BigInt(i)} 0\nGET /${i} HTTP/1.1\r\n\r\n`);
    records.push(`2 r10049 1700000000100000000 0\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`);
    writeFileSync(path, records.join('\n🐵🙈🙉\n'));
    let firstAt = -1;
    let n = 0;
    const it = readGorFile(path)[Symbol.asyncIterator]();
    for (let r = await it.next(); !r.done; r = await it.next(), n++) {
      const ex: Exchange = r.value;
      if (firstAt < 0) firstAt = Number(ex.id.slice(1));
      if (ex.id === 'r10049') expect(ex.response?.status).toBe(200);
    }
    expect(n).toBe(10_050);
    expect(firstAt).toBe(0);
  });
});
