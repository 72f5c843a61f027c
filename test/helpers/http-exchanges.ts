import type { Exchange, Header } from '../../src/exchange.js';
import { sampleExchange } from './exchanges.js';

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const h = (name: string, value: string): Header => ({ name, value });
const T0 = 1_700_000_123_456_789;

function ex(i: number, request: Exchange['request'], response?: Exchange['response']): Exchange {
  const t = T0 + i * 10_000;
  const e: Exchange = { id: `rt-${i}`, timing: { requestStartUs: t, requestEndUs: t + 3 }, request };
  if (response) {
    e.response = response;
    e.timing.responseStartUs = t + 1_501;
    e.timing.responseEndUs = t + 1_777;
  } else e.flags = ['no-response'];
  return e;
}

/** Exchanges whose framing headers agree with their bodies, covering what the formats must keep. */
export function roundTripSet(): Exchange[] {
  const ok = { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1' };
  return [
    // A POST body without Content-Length: HAR imports from browsers look like this.
    ex(1, { method: 'POST', target: '/items/1?x=1', httpVersion: 'HTTP/1.1', headers: [h('Host', 'example.test:8080')], body: { text: '{"n":1}', size: 7, truncated: false } }, { ...ok, headers: [h('Content-Type', 'application/octet-stream')], body: { base64: Buffer.from([0, 1, 2, 255]).toString('base64'), size: 4, truncated: false } }),
    { ...sampleExchange(2), source: undefined, connection: undefined },
    ex(3, { method: 'GET', target: '/caf%C3%A9?q=1&q=2', httpVersion: 'HTTP/1.1', headers: [h('Host', 'a.test'), h('X-Name', 'café'), h('x-name', 'two')] }, { ...ok, headers: [h('Content-Length', '5'), h('Content-Type', 'text/plain')], body: { text: 'hello', size: 5, truncated: false } }),
    ex(
      4,
      { method: 'POST', target: '/up', httpVersion: 'HTTP/1.1', headers: [h('Transfer-Encoding', 'chunked')], body: { text: 'Wikipedia', size: 9, truncated: false }, trailers: [h('X-Sum', 'abc')] },
      { ...ok, headers: [h('Transfer-Encoding', 'chunked')], body: { base64: Buffer.from([0, 255, 1]).toString('base64'), size: 3, truncated: false }, trailers: [h('X-Done', '1')] },
    ),
    ex(5, { method: 'PUT', target: '/c', httpVersion: 'HTTP/1.1', headers: [h('Expect', '100-continue'), h('Content-Length', '2')], body: { text: '{}', size: 2, truncated: false } }, { status: 201, reason: 'Created', httpVersion: 'HTTP/1.1', headers: [h('Content-Length', '0')], interim: [{ status: 100, reason: 'Continue', headers: [], atUs: T0 + 5 * 10_000 + 1_501 }] }),
    ex(6, { method: 'HEAD', target: '/h', httpVersion: 'HTTP/1.1', headers: [] }, { ...ok, headers: [h('Content-Length', '1000')] }),
    ex(7, { method: 'GET', target: '/n', httpVersion: 'HTTP/1.1', headers: [h('If-None-Match', '"x"')] }, { status: 304, reason: 'Not Modified', httpVersion: 'HTTP/1.1', headers: [h('Content-Length', '7')] }),
    ex(8, { method: 'GET', target: '/lost', httpVersion: 'HTTP/1.1', headers: [] }),
    ex(9, { method: 'GET', target: '/close', httpVersion: 'HTTP/1.0', headers: [] }, { ...ok, httpVersion: 'HTTP/1.0', headers: [h('Content-Type', 'text/html')], body: { text: '<p>until close</p>', size: 18, truncated: false } }),
  ];
}

/** What a round trip must keep (source and connection are format-specific). */
export function comparable(e: Exchange): unknown {
  return { id: e.id, timing: e.timing, request: e.request, response: e.response, flags: e.flags };
}
