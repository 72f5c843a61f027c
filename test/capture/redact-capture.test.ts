import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { recordOnLo, run, shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';
import { listenLoopback } from '../helpers/listen.js';

const dir = tempDir('shadowtap-redact-cap-');
const SECRETS = ['BearerTok3n', 'CookieVal9', 'SetCookieVal7', 'ApiKeyVal5', 'QueryTok4', 'CustomHdr3', 'SigParam2', 'LocationTok1'];

let server: http.Server;
let port: number;
const pcap = join(dir, 'secrets.pcap');

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(302, { 'Set-Cookie': 'sid=SetCookieVal7; Path=/; HttpOnly', Location: '/next?access_token=LocationTok1' }).end('moved'));
  });
  await listenLoopback(server);
  port = (server.address() as AddressInfo).port;
  await recordOnLo(pcap, port, () =>
    run('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/login?token=QueryTok4&sig=SigParam2&page=1`, '-H', 'Authorization: Bearer BearerTok3n', '-H', 'Cookie: theme=dark; sess=CookieVal9', '-H', 'X-Api-Key: ApiKeyVal5', '-H', 'X-Internal: CustomHdr3']),
  );
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function text(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1');
}

describe('redaction through the capture CLI on a real tcpdump capture', () => {
  it('with --no-redact the secrets are in the capture (so the check below means something)', async () => {
    const out = join(dir, 'clear.jsonl');
    const r = await shadowtap(['capture', '--read', pcap, '--out', out, '--no-redact']);
    expect(r.code).toBe(0);
    for (const s of SECRETS) expect(text(out)).toContain(s);
  });

  it('by default no secret value appears anywhere in the output file, in .jsonl.gz or after conversion to .gor/.har', async () => {
    const out = join(dir, 'redacted.jsonl.gz');
    const r = await shadowtap(['capture', '--read', pcap, '--out', out, '--redact-header', 'X-Internal', '--redact-query', 'sig']);
    expect(r.code).toBe(0);
    const files = [out];
    for (const ext of ['gor', 'har']) {
      const conv = join(dir, `redacted.${ext}`);
      expect((await shadowtap(['convert', out, conv])).code).toBe(0);
      files.push(conv);
    }
    for (const f of files) {
      const t = text(f);
      expect(t).toMatch(/redacted:[0-9a-f]{16}/);
      expect(t).toContain('/login?token=redacted:');
      for (const s of SECRETS) expect(t.includes(s), `${s} in ${f}`).toBe(false);
    }
  });
});
