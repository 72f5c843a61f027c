import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { newAlbStats, readAlbLogs } from '../../src/io/inputs/alb.js';
import type { Exchange } from '../../src/exchange.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnCli } from '../helpers/agent-servers.js';
import { readCaptureFile } from '../../src/formats/capture-file.js';

const dir = tempDir('shadowtap-alb-');
const tg = 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067';

// Lines in the shapes AWS documents, from the original 2016 fields to the 2025 trailing additions.
const good = [
  // 1 plain http, all fields up to classification_reason
  `http 2018-07-02T22:23:00.186641Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - ${tg} "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-"`,
  // 2 https + HTTP/2, query string, newer conn_trace_id
  `h2 2024-03-01T10:00:01.500000Z app/my-lb/50dc6c495c0c9188 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 0.000 201 201 5 257 "POST https://api.example.com:443/v1/items?a=1&b=%20x HTTP/2.0" "Mozilla/5.0 (X11)" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${tg} "Root=1-abc" "api.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678" 1 2024-03-01T10:00:01.497000Z "authenticate,forward" "-" "-" "10.0.0.66:9000" "201" "-" "-" TID_1234abcd`,
  // 3 -1 placeholders (target unreachable), target "-", 502, non-default port kept in Host
  `https 2024-03-01T10:00:02.000000Z app/my-lb/50dc6c495c0c9188 10.0.1.5:1111 - -1 -1 -1 502 - 200 0 "GET https://shop.example.com:8443/cart HTTP/1.1" "-" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${tg} "Root=1-def" "shop.example.com" "arn:aws:acm:cert" 0 2024-03-01T10:00:01.990000Z "forward" "-" "Target.ConnectionError" "-" "-" "-" "-" TID_2`,
  // 4 2025 trailing fields (transformed host/uri, transform status) and one nobody knows yet
  `http 2025-06-01T00:00:00.000001Z app/my-lb/x 10.0.0.9:5000 10.0.0.2:80 0.001 0.010 0.001 404 404 100 200 "DELETE http://h.example:80/things/7 HTTP/1.1" "ua with \\"quotes\\" inside" - - ${tg} "Root=1-x" "-" "-" 2 2025-05-31T23:59:59.988001Z "forward" "-" "-" "10.0.0.2:80" "404" "-" "-" TID_3 "h2.example" "/rewritten" "TRANSFORMED" future-field`,
  // 5 IPv6 client, no request_creation_time (old log: fewer trailing fields)
  `http 2016-08-10T22:08:42.945958Z app/my-lb/x 2001:db8::1:40000 10.0.0.1:80 0.000 0.003 0.000 304 304 0 0 "HEAD http://www.example.com:80/img.png HTTP/1.1" "curl"`,
  // 6 WebSocket upgrade
  `wss 2024-03-01T10:00:03.000000Z app/my-lb/x 10.0.0.140:44244 10.0.0.171:8010 0.000 0.001 0.000 101 101 218 786 "GET https://10.0.0.30:443/socket HTTP/1.1" "-" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${tg} "-" "-" "-" 1 2024-03-01T10:00:02.999000Z "forward" "-" "-" "10.0.0.171:8010" "101" "-" "-"`,
];
const unparsed = `http 2024-03-01T10:00:04.000000Z app/my-lb/x 10.0.0.3:1000 - -1 -1 -1 400 - 0 0 "- http://my-lb:80- -" "-" - - - "-" "-" "-" - 2024-03-01T10:00:04.000000Z "-" "-" "-" "-" "-" "-" "-"`;
const bad = [
  `http 2024-03-01T10:00:05Z app/my-lb/x 10.0.0.3:1000 - 0.1 0.1 0.1 200 200 0 0 "GET http://x/ HTTP/1.1" "cut here`, // unterminated quote
  `http yesterday app/my-lb/x 10.0.0.3:1000 - 0.1 0.1 0.1 200 200 0 0 "GET http://x/ HTTP/1.1" "-"`, // bad time
  `http 2024-03-01T10:00:05Z app/my-lb/x 10.0.0.3:1000 - 0.1 0.1 0.1 abc 200 0 0 "GET http://x/ HTTP/1.1" "-"`, // bad status
  `http 2024-03-01T10:00:05Z app/my-lb/x 10.0.0.3:1000`, // too few fields
];

describe('ALB access logs source', () => {
  it('parses every field variant and counts malformed lines with their line numbers', async () => {
    const sub = join(dir, 'AWSLogs', '123456789012', 'elasticloadbalancing', 'us-east-2', '2024', '03', '01');
    mkdirSync(sub, { recursive: true });
    // Plain file: good lines 1-3, then malformed ones interleaved with the unparsed request.
    const plain = [good[0], good[1], bad[0], good[2], unparsed, bad[1]].join('\n') + '\n';
    writeFileSync(join(sub, 'a_20240301T1000Z.log'), plain);
    writeFileSync(join(sub, 'b_20240301T1005Z.log.gz'), gzipSync([good[3], bad[2], good[4], bad[3], good[5]].join('\n') + '\n'));
    const stats = newAlbStats();
    const warnings: string[] = [];
    const out: Exchange[] = [];
    for await (const ex of readAlbLogs([join(dir, 'AWSLogs')], { stats, onWarning: (m) => warnings.push(m) })) out.push(ex);

    expect(stats).toMatchObject({ files: 2, lines: 11, exchanges: 6, skipped: 1, malformed: 4 });
    expect(stats.malformedAt.map((s) => s.replace(/^.*\//, ''))).toEqual(['a_20240301T1000Z.log:3', 'a_20240301T1000Z.log:6', 'b_20240301T1005Z.log.gz:2', 'b_20240301T1005Z.log.gz:4']);
    expect(warnings[0]).toMatch(/a_20240301T1000Z\.log:3: unterminated/);
    expect(warnings[2]).toMatch(/elb_status_code/);

    const [a, b, c, d, e, f] = out as [Exchange, Exchange, Exchange, Exchange, Exchange, Exchange];
    expect(a.request).toMatchObject({ method: 'GET', target: '/', httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: 'www.example.com' }, { name: 'User-Agent', value: 'curl/7.46.0' }] });
    expect(a.response?.status).toBe(200);
    expect(a.timing.requestStartUs).toBe(Date.parse('2018-07-02T22:22:48.364Z') * 1000);
    expect(a.timing.responseEndUs).toBe(Date.parse('2018-07-02T22:23:00.186Z') * 1000 + 641);
    expect(a.connection).toEqual({ clientIp: '192.168.131.39', clientPort: 2817, serverIp: '10.0.0.1', serverPort: 80 });
    expect(a.source).toMatchObject({ kind: 'alb-log' });
    expect(a.id).toBe('a_20240301T1000Z.log:1');

    expect(b.request).toMatchObject({ method: 'POST', target: '/v1/items?a=1&b=%20x', httpVersion: 'HTTP/2.0' });
    expect(b.request.headers[0]).toEqual({ name: 'Host', value: 'api.example.com' });
    // server latency = target_processing_time (2 ms)
    expect(b.timing.responseStartUs! - b.timing.requestEndUs).toBe(2000);

    expect(c.response?.status).toBe(502);
    expect(c.request.headers).toEqual([{ name: 'Host', value: 'shop.example.com:8443' }]);
    expect(c.connection?.serverIp).toBe('');

    expect(d.request).toMatchObject({ method: 'DELETE', target: '/things/7' });
    expect(d.request.headers[1]).toEqual({ name: 'User-Agent', value: 'ua with "quotes" inside' });
    expect(d.response?.status).toBe(404);

    expect(e.connection).toMatchObject({ clientIp: '2001:db8::1', clientPort: 40000 });
    expect(e.request.method).toBe('HEAD');
    // no request_creation_time: start = time minus the processing times
    expect(e.timing.requestStartUs).toBe(Date.parse('2016-08-10T22:08:42.945Z') * 1000 + 958 - 3000);

    expect(f.response?.status).toBe(101);
    expect(f.request.target).toBe('/socket');
  });

  it('shadowtap capture --alb-logs writes a replayable capture and reports malformed lines', async () => {
    const file = join(dir, 'cli.log');
    writeFileSync(file, [good[0], bad[1], good[1]!.replace('a=1', 'token=s3cret'), unparsed].join('\n') + '\n');
    const out = join(dir, 'alb.jsonl');
    const cli = spawnCli(['capture', '--alb-logs', file, '--out', out, '--redact-query', 'token']);
    expect(await cli.exit).toBe(0);
    expect(cli.stderr()).toMatch(/alb logs: 1 files, 4 lines, 2 exchanges written, 1 without a parsed request, 1 malformed \(first at .*cli\.log:2\)/);
    expect(cli.stderr()).toMatch(/warning: .*cli\.log:2: time: not an ISO 8601/);
    const got: Exchange[] = [];
    for await (const ex of readCaptureFile(out)) got.push(ex);
    expect(got.map((e) => `${e.request.method} ${e.response?.status}`)).toEqual(['GET 200', 'POST 201']);
    expect(got[1]!.request.target).not.toContain('s3cret');
  });
});
