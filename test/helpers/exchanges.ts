import type { Exchange, Header } from '../../src/exchange.js';

/** A small but varied exchange for format tests: text and binary bodies, repeated headers, µs timing. */
export function sampleExchange(i: number, overrides: Partial<Exchange> = {}): Exchange {
  const t0 = 1_700_000_000_000_000 + i * 1_234_567;
  return {
    id: `ex-${i}`,
    timing: { requestStartUs: t0, requestEndUs: t0 + 17, responseStartUs: t0 + 1_500, responseEndUs: t0 + 1_911 },
    connection: { clientIp: '127.0.0.1', clientPort: 40000 + i, serverIp: '127.0.0.1', serverPort: 8080 },
    request: {
      method: i % 2 ? 'POST' : 'GET',
      target: `/items/${i}?q=a%20b&x=${i}`,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Host', value: 'example.test:8080' },
        { name: 'X-Multi', value: 'one' },
        { name: 'X-Multi', value: 'two' },
      ],
      ...(i % 2 ? { body: { text: `{"n":${i}}`, size: 6 + String(i).length, truncated: false } } : {}),
    },
    response: {
      status: 200,
      reason: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Content-Type', value: 'application/octet-stream' }],
      body: { base64: Buffer.from([0, 1, 2, 255, i & 255]).toString('base64'), size: 5, truncated: false },
    },
    source: { capture: 'unit', kind: 'pcap' },
    ...overrides,
  };
}

/** A bare GET exchange carrying the given headers (redaction tests): the target and status line as given. */
export function headersExchange(req: Header[], res: Header[], o: { target?: string; status?: number; reason?: string } = {}): Exchange {
  return {
    id: '1',
    timing: { requestStartUs: 1, requestEndUs: 2 },
    request: { method: 'GET', target: o.target ?? '/', httpVersion: 'HTTP/1.1', headers: req },
    response: { status: o.status ?? 200, reason: o.reason ?? 'OK', httpVersion: 'HTTP/1.1', headers: res },
  };
}
