import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { join } from 'node:path';
import { recordOnLo, shadowtap, type RunResult } from '../helpers/capture-tools.js';
import { spawnCli } from '../helpers/agent-servers.js';
import { startAgent, TOKEN } from '../helpers/agent-run.js';
import { tempDir } from '../helpers/tmp.js';
import { atMost } from '../helpers/at-once.js';
import { ALL, GZIP_SECRET, SECRETS, fileText, gzipBodies, requests, sendAll, startSecretServer } from '../helpers/secret-traffic.js';

const dir = tempDir('shadowtap-redact-all-');
const f = (name: string): string => join(dir, name);
const UPSTREAM_PASS = 'zqUpstreamPasszq';
let server: Awaited<ReturnType<typeof startSecretServer>>;
const pcap = f('secrets.pcap');
const CLEAR = [pcap, f('clear.jsonl'), f('clear.har'), f('clear.gor')];
const OUTPUTS = ['jsonl', 'jsonl.gz', 'har', 'gor'];
// The CLI runs within a test are independent of each other: a few at once.
const LANES = 3;

/** No secret in `text`: the message names the secret and where it was found. */
function clean(where: string, text: string): void {
  for (const s of [...ALL, UPSTREAM_PASS]) expect(text.includes(s), `${s} in ${where}`).toBe(false);
}
async function cleanFile(path: string): Promise<void> {
  const text = fileText(path);
  clean(path, text);
  expect(text, path).toContain('redacted:');
  if (!path.endsWith('.pcap')) for (const b of await gzipBodies(path)) expect(b, `gzip body in ${path}`).not.toContain(GZIP_SECRET);
}
function ok(r: RunResult, what: string): RunResult {
  expect(r.code, `${what}: ${r.stderr}`).toBe(0);
  clean(`${what} stdout`, r.stdout);
  clean(`${what} stderr`, r.stderr);
  return r;
}

beforeAll(async () => {
  server = await startSecretServer();
  await recordOnLo(pcap, server.port, () => sendAll(server.port, requests(server.port)));
  // The same traffic in clear in every format: only --no-redact makes these.
  expect((await shadowtap(['capture', '--read', pcap, '--port', String(server.port), '--no-redact', '--out', f('clear.jsonl')])).code).toBe(0);
  for (const ext of ['har', 'gor']) expect((await shadowtap(['convert', '--no-redact', f('clear.jsonl'), f(`clear.${ext}`)])).code).toBe(0);
}, 120_000);

afterAll(() => server.close());

describe('one capture full of secrets, through every path', () => {
  it('--no-redact keeps every secret (so the checks below mean something)', async () => {
    for (const file of CLEAR.slice(1)) {
      const text = fileText(file);
      for (const s of ALL.filter((s) => s !== GZIP_SECRET)) expect(text.includes(s), `${s} kept in ${file}`).toBe(true);
      expect((await gzipBodies(file)).join()).toContain(GZIP_SECRET);
    }
    const cat = await shadowtap(['cat', '--no-redact', '--format', 'json', pcap]);
    expect(cat.stdout).toContain(ALL[0]);
    // The listings print targets: their secrets are there to redact, in both tsv forms and both thread modes.
    const listings = await atMost(LANES, [[], ['--human'], ['--threads', '2']].map((args) => () => shadowtap(['cat', '--no-redact', ...args, pcap])));
    for (const l of listings) expect(l.stdout).toContain(SECRETS.refresh);
  });

  it('capture --read writes none, in every output format', async () => {
    await atMost(LANES, OUTPUTS.map((ext) => async () => {
      const out = f(`capture.${ext}`);
      ok(await shadowtap(['capture', '--read', pcap, '--port', String(server.port), '--out', out]), `capture → ${ext}`);
      await cleanFile(out);
    }));
    // The first line says what was applied (never the key itself).
    const first = (file: string): { redaction: Record<string, unknown> } => (JSON.parse(fileText(file).split('\n')[0]!) as { _shadowtap: { redaction: Record<string, unknown> } })._shadowtap;
    expect(first(f('capture.jsonl')).redaction).toMatchObject({ enabled: true, key: 'SHADOWTAP_REDACT_KEY', keyId: expect.stringMatching(/^[0-9a-f]{8}$/), headers: expect.arrayContaining(['*token']) });
    expect(first(f('clear.jsonl')).redaction).toEqual({ enabled: false });
  });

  it('convert writes none, from every format to every format', async () => {
    await atMost(LANES, CLEAR.flatMap((input) => OUTPUTS.map((ext) => async () => {
      const out = f(`conv-${input.split('.').pop()}.${ext}`);
      ok(await shadowtap(['convert', input, out]), `convert ${input} → ${ext}`);
      await cleanFile(out);
    })));
  });

  it('cat prints none, in every format (tsv for people too), from every input, with a reader thread too', async () => {
    const each = CLEAR.flatMap((input) => [['--format', 'tsv'], ['--format', 'json'], ['--format', 'har'], ['--human']].map((args) => [...args, input]));
    await atMost(LANES, each.map((args) => async () => ok(await shadowtap(['cat', ...args]), `cat ${args.join(' ')}`)));
    await atMost(LANES, ['tsv', 'json', 'har'].map((format) => async () => {
      const [two, one] = await Promise.all([shadowtap(['cat', '--threads', '2', '--format', format, pcap]), shadowtap(['cat', '--threads', '1', '--format', format, pcap])]);
      expect(ok(two, `cat --threads 2 --format ${format}`).stdout).toBe(one.stdout);
    }));
    // 22 CLI processes: one after another at a load of 12 each took ~3 s, past the default 60 s.
  }, 180_000);

  it('a redacted form body keeps its framing: convert to .gor, then cat it', async () => {
    ok(await shadowtap(['convert', f('clear.jsonl'), f('framing.gor')]), 'convert → gor');
    const listed = ok(await shadowtap(['cat', f('framing.gor')]), 'cat .gor');
    expect(listed.stdout.trim().split('\n')).toHaveLength(requests(server.port).length);
  });

  it('record (real proxy, real upstream) writes and prints none, nor the upstream password', async () => {
    const out = f('record.jsonl');
    const cli = spawnCli(['record', '--listen', '127.0.0.1:0', '--upstream', `http://ruser:${UPSTREAM_PASS}@127.0.0.1:${server.port}`, '--out', out]);
    const [, port] = await cli.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    await sendAll(Number(port), requests(Number(port)));
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
    clean('record stderr', cli.stderr());
    await cleanFile(out);
  });

  it('the agent (recording proxy source, rotating files, logs) writes and logs none', async () => {
    const files = f('agent-files');
    const agent = await startAgent(dir, { source: { proxy: { listen: '127.0.0.1:0', upstream: `http://auser:${UPSTREAM_PASS}@127.0.0.1:${server.port}` } }, files: { dir: files, gzip: false } });
    await sendAll(agent.proxyPort!, requests(agent.proxyPort!));
    const { code } = await agent.stop();
    expect(code).toBe(0);
    clean('agent log', agent.cli.stderr());
    const written = readdirSync(files).filter((n) => n.endsWith('.jsonl'));
    expect(written.length).toBeGreaterThan(0);
    for (const n of written) await cleanFile(join(files, n));
  });

  it('replay of a redacted capture: results, summary, report and JUnit hold none', async () => {
    const capture = f('capture.jsonl');
    // A target URL with credentials is refused (they would not be sent), without repeating the password.
    const refused = await shadowtap(['replay', capture, '-t', `http://tuser:${UPSTREAM_PASS}@127.0.0.1:${server.port}`, '--speed', '0', '--quiet']);
    expect(refused.code, refused.stderr).toBe(2);
    clean('replay refusal', refused.stdout + refused.stderr);
    const args = ['replay', capture, '-t', `http://127.0.0.1:${server.port}`, '--speed', '0', '--quiet', '--results', f('results.jsonl'), '--summary', f('summary.json'), '--report', f('report'), '--junit', f('junit.xml')];
    const r = await shadowtap(args);
    expect([0, 1], r.stderr).toContain(r.code);
    clean('replay stdout', r.stdout);
    clean('replay stderr', r.stderr);
    for (const file of [f('results.jsonl'), f('summary.json'), f('junit.xml'), ...readdirSync(f('report')).map((n) => join(f('report'), n))]) clean(file, fileText(file));
  });

  it('a guessable SHADOWTAP_REDACT_KEY is refused with exit 2, naming the variable', async () => {
    const runs = ['k', 'aaaaaaaaaaaaaaaaaaaa', 'abcdefghijklmnopq'].flatMap((key) =>
      [['convert', f('clear.jsonl'), f(`k-${key}.jsonl`)], ['cat', f('clear.jsonl')], ['capture', '--read', pcap, '--out', f(`k2-${key}.jsonl`)]].map((args) => ({ key, args })));
    await atMost(LANES, runs.map(({ key, args }) => async () => {
      const r = await shadowtap(args, { env: { SHADOWTAP_REDACT_KEY: key } });
      expect([r.code, r.stderr], `${args[0]} with key ${key}`).toEqual([2, expect.stringContaining('SHADOWTAP_REDACT_KEY')]);
    }));
  });

  it('a guessable agent redact.keyFile is refused with exit 2, naming the file', async () => {
    const keyFile = f('short.key');
    writeFileSync(keyFile, 'short');
    const config = f('agent-badkey.yaml');
    const agentConfig = { control: { listen: '127.0.0.1:0', token: TOKEN }, source: { proxy: { listen: '127.0.0.1:0', upstream: `http://127.0.0.1:${server.port}` } }, redact: { keyFile }, files: { dir: f('badkey-files') } };
    writeFileSync(config, stringify(agentConfig));
    const r = await shadowtap(['agent', '--config', config], { timeoutMs: 30_000 });
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(`keyFile ${keyFile}`)]);
  });
});
