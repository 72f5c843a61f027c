import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange.js';
import { openSink } from '../../src/io/registry.js';
import { REDACT_ALL } from '../../src/stages/redact/index.js';
import { listed } from '../helpers/listing.js';

const SECRET = 'zqListingSecretzq';
const ex = (i: number): Exchange => ({
  id: `1.${i}`,
  timing: { requestStartUs: 1_700_000_000_000_000 + i, requestEndUs: 1_700_000_000_000_010 + i, responseStartUs: 1_700_000_000_001_010 + i },
  connection: { clientIp: '127.0.0.1', clientPort: 40000, serverIp: '127.0.0.1', serverPort: 80 },
  request: { method: 'GET', target: `/items/${i}?access_token=${SECRET}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Authorization', value: `Bearer ${SECRET}` }] },
  response: { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: [] },
});
const KINDS = ['tsv', 'tsv-human', 'json', 'har-listing'];

describe('cat listings (io/outputs): they format, the pump redacts', () => {
  it.each(KINDS)('%s: through the pump no secret is printed; --no-redact keeps it', async (kind) => {
    const batches = [[ex(0), ex(1)], [ex(2)]];
    const text = await listed(kind, batches, REDACT_ALL);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('redacted:');
    expect(await listed(kind, batches, { enabled: false })).toContain(SECRET);
  });

  it.each(KINDS)('%s: the sink prints what it is given, even when told a redaction applies (that is the pump’s stage)', async (kind) => {
    let text = '';
    const stdout = new Writable({ write: (c: Buffer, _e, done) => ((text += c.toString()), done()) });
    const sink = await openSink('-', { kind, redaction: REDACT_ALL, stdout });
    await sink.write([ex(0)]);
    await sink.close();
    expect(text).toContain(SECRET);
    expect(sink.stats().written).toBe(1);
  });

  it('har-listing is one HAR document with an entry per exchange, in order, and valid when empty', async () => {
    const har = JSON.parse(await listed('har-listing', [[ex(0)], [ex(1), ex(2)]])) as { log: { entries: { request: { url: string } }[] } };
    expect(har.log.entries.map((e) => new URL(e.request.url).pathname)).toEqual(['/items/0', '/items/1', '/items/2']);
    expect((JSON.parse(await listed('har-listing', [])) as { log: { entries: unknown[] } }).log.entries).toEqual([]);
  });

  it('tsv-human has its header once, before the first exchange, and prints nothing for none', async () => {
    const lines = (await listed('tsv-human', [[ex(0)], [ex(1)]])).split('\n');
    expect(lines[0]).toMatch(/^time \(UTC\)\s+method\s+status\s+latency\s+target$/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^2023-11-14T22:13:20\.000000Z\s+GET\s+200\s+1\.000 ms\s+\/items\/0\?/), expect.stringMatching(/20\.000001Z .*\/items\/1\?/), '']);
    expect(await listed('tsv-human', [])).toBe('');
  });
});
