import { once } from 'node:events';
import { statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printable } from '../../src/printable.js';
import { shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-hygiene-');
// What a hostile or broken /test endpoint can answer: colour, a window title, a bell, a C1 CSI, a bidi override.
const HOSTILE = 'db down\x1b[31mRED\x1b]0;pwned\x07 \x9b2J \u202egnp.exe\nforged: PASS';

describe('output hygiene', () => {
  it('escapes control characters and keeps the rest', () => {
    expect(printable('plain text, tab\tand ünïcödé\n')).toBe('plain text, tab\tand ünïcödé\n');
    expect(printable(HOSTILE)).toBe('db down\\x1b[31mRED\\x1b]0;pwned\\x07 \\x9b2J \\u{202e}gnp.exe\nforged: PASS');
    expect(printable('a\nb\r', { oneLine: true })).toBe('a\\x0ab\\x0d');
  });

  it('`shadowtap run` prints a /test endpoint\'s Error strings escaped, and writes the report and JUnit 0600', async () => {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/test' ? { Tests: [{ Name: 'login', Success: false, Error: HOSTILE }] } : { status: 'ok' }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const file = join(dir, 'scenarios.yaml');
      writeFileSync(file, `configurations:\n  a:\n    baseUrl: ${url}\nscenarios:\n  - name: smoke\n    thresholds:\n      smoke: available\n`);
      const report = join(dir, 'report');
      const junit = join(dir, 'junit.xml');
      const r = await shadowtap(['run', file, '--report', report, '--junit', junit], { timeoutMs: 30_000 });
      expect(r.code).toBe(1);
      const printed = r.stdout + r.stderr;
      expect(printed).toContain('\\x1b[31mRED\\x1b]0;pwned\\x07 \\x9b2J \\u{202e}gnp.exe');
      expect([...printed].filter((ch) => printable(ch) !== ch)).toEqual([]);
      // The remote newline does not start a line of its own in the verdict.
      expect(r.stdout).not.toMatch(/^forged: PASS/m);
      for (const f of [join(report, 'index.html'), join(report, 'summary.json'), junit]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      expect((statSync(report).mode & 0o777).toString(8)).toBe('700');
    } finally {
      server.close();
      await once(server, 'close');
    }
  });
});
