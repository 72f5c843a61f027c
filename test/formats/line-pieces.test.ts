import { describe, expect, it } from 'vitest';
import type { Exchange, Header } from '../../src/exchange.js';
import { harEntryText, writeHarEntry } from '../../src/formats/har-line.js';
import { asciiClean, WordView } from '../../src/formats/json-scan.js';
import { LineBytes } from '../../src/formats/line-bytes.js';

/** The line LineBytes writes for `ex`, as text. */
function bytesLine(ex: Exchange): string {
  const out = new LineBytes();
  writeHarEntry(ex, out);
  out.endLine();
  return Buffer.concat(out.take()).toString('utf8').slice(0, -1);
}

const conn = { clientIp: '10.0.0.1', clientPort: 40000, serverIp: '10.0.0.2', serverPort: 80 };
const source = { capture: 'x.pcap', kind: 'pcap' as const };
function exchange(id: number, reqHeaders: Header[], resHeaders: Header[]): Exchange {
  return {
    id: String(id),
    timing: { requestStartUs: 1_700_000_000_000_000 + id, requestEndUs: 1_700_000_000_000_100 + id, responseStartUs: 1_700_000_000_000_200 + id, responseEndUs: 1_700_000_000_000_300 + id },
    connection: conn,
    source,
    request: { method: 'GET', target: `/p${id}`, httpVersion: 'HTTP/1.1', headers: reqHeaders },
    response: { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: resHeaders, body: { text: 'b'.repeat(id), size: id, truncated: false } },
  };
}
const h = (name: string, value: string): Header => ({ name, value });

describe('capture line pieces', () => {
  it('header lists written from cached pieces (repeated, shared and frozen, changed, of another shape) are JSON.stringify of the list', () => {
    const shared = [h('Server', 'nginx'), h('Date', 'Sat, 05 Dec 2026 08:05:41 GMT'), h('ETag', '"q\\"'), h('X-é', 'ü\u0001')].map((x) => Object.freeze(x));
    const lists: Header[][] = [
      shared,
      shared.slice(), // the same objects in a new list
      [...shared.slice(0, 3)], // a shorter list of the same first object
      [h('Server', 'nginx'), h('Date', 'Sat, 05 Dec 2026 08:05:42 GMT')], // same names, a new value
      [h('Server', 'nginx'), h('Date', 'Sat, 05 Dec 2026 08:05:42 GMT')], // repeated as new objects
      [{ value: 'v', name: 'Odd' } as Header, h('Server', 'nginx')], // keys in another order
      [Object.assign(h('Server', 'nginx'), { comment: 'c' })], // an extra field
      [Object.assign(Object.create({ toJSON: () => 'inherited' }) as Header, h('A', 'b'))], // an inherited toJSON
      [Object.assign(Object.create(Object.defineProperty({}, 'toJSON', { value: () => 'hidden' })) as Header, h('A', 'b'))], // a non-enumerable one
      [Object.assign(Object.create(null) as Header, h('A', 'b'))], // no prototype
      ...Array.from({ length: 4 }, () => [h('Server', 'nginx'), h('Date', 'Sat, 05 Dec 2026 08:05:43 GMT'), h('X-é', 'ü\u0001')]), // a list repeated as new objects
      [],
      ...Array.from({ length: 40 }, (_, i) => [h('X-Request-Id', `id-${i}`), h('Server', 'nginx')]), // values that do not repeat
    ];
    lists.forEach((hs, i) => {
      const ex = exchange(i, hs.slice().reverse(), hs);
      const line = bytesLine(ex);
      expect(line).toBe(harEntryText(ex));
      const entry = JSON.parse(line) as { request: { headers: unknown }; response: { headers: unknown } };
      expect(line).toContain(`"headers":${JSON.stringify(hs)}`);
      expect(line).toContain(`"headers":${JSON.stringify(hs.slice().reverse())}`);
      expect(entry.response.headers).toEqual(JSON.parse(JSON.stringify(hs)));
    });
  });

  it('connection, source and timing records are JSON.stringify of the record, also when shared by many exchanges', () => {
    for (let i = 0; i < 5; i++) {
      const line = bytesLine(exchange(i, [], []));
      expect(line).toContain(`"_connection":${JSON.stringify(conn)},"serverIPAddress":"10.0.0.2","connection":"10.0.0.1:40000"`);
      expect(line).toContain(`"_source":${JSON.stringify(source)}`);
      expect(line).toContain(`"_timing":${JSON.stringify(exchange(i, [], []).timing)}`);
    }
    const foreign = { ...exchange(9, [], []), connection: { serverPort: 1, clientIp: 'a', clientPort: 2, serverIp: 'b' }, timing: { requestEndUs: 5, requestStartUs: 4 } };
    const line = bytesLine(foreign);
    expect(line).toContain(`"_connection":${JSON.stringify(foreign.connection)}`);
    expect(line).toContain(`"_timing":${JSON.stringify(foreign.timing)}`);
  });

  it('asciiClean finds a quote, backslash or control character at every position and alignment, and passes clean text', () => {
    const buf = Buffer.allocUnsafeSlow(64);
    const view = new WordView(buf);
    for (let len = 0; len <= 20; len++) {
      for (let from = 0; from < 4; from++) {
        buf.fill(0x61);
        expect(asciiClean(view, from, from + len)).toBe(true);
        for (let at = 0; at < len; at++) {
          for (const bad of [0x00, 0x0a, 0x1f, 0x22, 0x5c]) {
            buf.fill(0x61);
            buf[from + at] = bad;
            expect(asciiClean(view, from, from + len)).toBe(false);
          }
          for (const fine of [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f]) {
            buf.fill(0x61);
            buf[from + at] = fine;
            expect(asciiClean(view, from, from + len)).toBe(true);
          }
        }
        // A bad byte just outside the range is not looked at.
        buf.fill(0x61);
        if (from > 0) buf[from - 1] = 0x22;
        buf[from + len] = 0x22;
        expect(asciiClean(view, from, from + len)).toBe(true);
      }
    }
  });

  it('long strings are escaped as JSON.stringify escapes them (native encoding, then the check)', () => {
    const out = new LineBytes();
    const values = ['a'.repeat(100), `${'a'.repeat(40)}"${'b'.repeat(40)}`, `${'a'.repeat(41)}\n`, `${'é'.repeat(30)}`, `${'x'.repeat(30)}\ud800`, `${'x'.repeat(30)}😀\u2028`, `${'\\'.repeat(30)}`];
    for (const v of values) {
      out.str(v);
      out.endLine();
    }
    expect(Buffer.concat(out.take()).toString('utf8')).toBe(values.map((v) => JSON.stringify(v) + '\n').join(''));
  });
});
