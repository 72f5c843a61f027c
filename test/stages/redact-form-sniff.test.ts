import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSink } from '../../src/io/registry.js';
import { openProxy } from '../../src/io/inputs/proxy.js';
import { pump } from '../../src/io/pump.js';
import { REDACT_ALL } from '../../src/stages/redact/index.js';
import { listenLoopback } from '../helpers/listen.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-form-sniff-');
const SECRET = 'zqFormSecretzq';
const upstream = createServer((req, res) => void req.resume().on('end', () => res.end('ok')));
const upstreamPort = await listenLoopback(upstream);
afterAll(() => new Promise((r) => upstream.close(r)));

/** Bodies sent without a form's Content-Type: [path, content-type or none, body, redacted?]. */
const CASES: [string, string | undefined, string, boolean][] = [
  ['/none', undefined, `username=bob&password=${SECRET}`, true],
  ['/plain', 'text/plain', `username=bob&password=${SECRET}`, true],
  ['/newline', undefined, `password=${SECRET}&x=1\r\n`, true],
  ['/escaped-name', 'text/plain; charset=utf-8', `pass%77ord=${SECRET}`, true],
  // Not forms, or forms without a secret name: their bytes must stay as they were.
  ['/prose', 'text/plain', `Tom & Jerry: note password=${SECRET} & more`, false],
  ['/lines', undefined, `a=1\npassword=${SECRET}`, false],
  ['/harmless', undefined, 'a=1&b=%20two&c', false],
  ['/base64', undefined, 'aGVsbG8gd29ybGQ=', false],
];

describe('redaction: urlencoded forms sent without their Content-Type (recorded through the proxy)', () => {
  it('hashes the secret fields of a body that can only be a form, and keeps every other body byte for byte', async () => {
    const out = join(dir, 'forms.jsonl');
    const source = await openProxy('127.0.0.1:0', { proxy: { upstream: `http://127.0.0.1:${upstreamPort}` } });
    const sink = await openSink(out, { redaction: REDACT_ALL });
    const pumped = pump({ source, redaction: REDACT_ALL, sinks: [sink] });
    for (const [path, type, body] of CASES) {
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      const r = await fetch(`http://127.0.0.1:${source.port}${path}`, { method: 'POST', body, headers: { ...headers, ...(type ? {} : { 'content-type': '' }) } });
      expect(await r.text()).toBe('ok');
    }
    await source.stop();
    await pumped;
    const lines = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { request: { url: string; headers: { name: string; value: string }[]; postData?: { text?: string } } });
    for (const [path, type, body, redacted] of CASES) {
      const line = lines.find((l) => new URL(l.request.url).pathname === path)!;
      const text = line.request.postData?.text ?? '';
      const sentType = line.request.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
      expect(sentType, path).toBe(type ?? '');
      if (!redacted) expect(text, path).toBe(body);
      else {
        expect(text, path).not.toContain(SECRET);
        // Only the value changed: every other byte of the form is where it was.
        const at = body.indexOf(SECRET);
        expect(text.slice(0, at), path).toBe(body.slice(0, at));
        expect(text.endsWith(body.slice(at + SECRET.length)), path).toBe(true);
      }
    }
  });
});
