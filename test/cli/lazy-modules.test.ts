import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { awsEnv } from '../helpers/aws-local.js';
import { CLI, run } from '../helpers/capture-tools.js';
import { listenLoopback } from '../helpers/listen.js';
import { tempDir } from '../helpers/tmp.js';

/** Libraries only some paths use: each loads at its point of use, never at start-up of a path without it. */
const HEAVY = ['zod', 'yaml', 'fastify', '@aws-sdk', 'undici', 'redis', '@redis', 'pino', 'uplot', 'snappyjs', 'autocannon'];
const dir = tempDir('shadowtap-lazy-');
const PCAP = join(process.cwd(), 'test/io/fixtures/mixed.pcap');

/**
 * The packages a CLI run loaded, by name: ESM imports as the loader saw them, and (NODE_DEBUG=module)
 * what was require()d, which the loader's hooks do not see on Node 20. No redaction key is configured
 * (vitest.config.ts sets one), as for a user without SHADOWTAP_REDACT_KEY.
 */
async function packagesOf(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; packages: Set<string>; commandFiles: string[]; modules: Set<string> }> {
  const r = await run(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, CLI, ...args], { timeoutMs: 30_000, env: { ...env, NODE_DEBUG: 'module', SHADOWTAP_REDACT_KEY: '' } });
  const packages = new Set<string>();
  for (const m of r.stderr.matchAll(/^(?:LOADED |MODULE \d+: load ").*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) packages.add(m[1]!);
  const commandFiles = [...r.stderr.matchAll(/^LOADED .*\/cli\/commands\/([\w-]+)\.js$/gm)].map((m) => m[1]!);
  // shadowtap's own modules (by path under dist/, without .js) and node's built-ins imported as ESM.
  const modules = new Set([...r.stderr.matchAll(/^LOADED (?:file:\/\/.*\/dist\/([\w/-]+)\.js|(node:[\w/]+))$/gm)].map((m) => (m[1] ?? m[2])!));
  return { code: r.code, packages, commandFiles, modules };
}
/** yargs' parser, bundled by `npm run build` (scripts/bundle-yargs.mjs). */
const YARGS = 'cli/yargs-bundle';
/** yargs' help renderer: loaded only when help is drawn (src/cli/yargs-factory.ts). */
const HELP_RENDERER = ['cliui', 'string-width', 'emoji-regex'];
const helpRendererIn = (packages: Set<string>): string[] => HELP_RENDERER.filter((p) => packages.has(p));
const heavyIn = (packages: Set<string>): string[] => [...packages].filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)));
/** Which of these modules (dist paths or node: built-ins) were loaded. */
const loadedOf = (modules: Set<string>, names: readonly string[]): string[] => names.filter((n) => modules.has(n));
/** Loaded only where used: the pacer (replay), the redaction key (node:crypto), the reader thread, HAR reading, the pcap reader. */
const PACER_AND_KEY = ['replay/pacer', 'stages/redact/key', 'node:crypto'];
const READER_THREAD = ['capture/thread/reader-thread', 'capture/thread/replay', 'capture/thread/ring', 'node:worker_threads'];
const HAR_READING = ['formats/har-import', 'formats/har-schema', 'formats/shape'];
const PCAP_READER = ['capture/pcap/reader', 'capture/pcap/classic', 'capture/pcap/pcapng'];

// One after the other, though each test is its own CLI process: seven started at once are a burst that
// held other files' processes (a replay in report/replay-report saw 1 s of event-loop delay).
describe('start-up loads only what the path uses', () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  let target = '';
  beforeAll(async () => {
    writeFileSync(join(dir, 'hooks.mjs'), "import { writeSync } from 'node:fs';\nexport async function load(url, ctx, next) { writeSync(2, `LOADED ${url}\\n`); return next(url, ctx); }\n");
    writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    target = `http://127.0.0.1:${await listenLoopback(server)}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('--version: yargs, and neither the libraries of the commands, nor its help renderer, nor any command\'s file', async () => {
    const { code, packages, commandFiles, modules } = await packagesOf(['--version']);
    expect(code).toBe(0);
    expect(modules.has(YARGS)).toBe(true);
    expect(heavyIn(packages)).toEqual([]);
    expect(helpRendererIn(packages)).toEqual([]);
    expect(commandFiles).toEqual(['index']);
    expect(loadedOf(modules, PACER_AND_KEY)).toEqual([]);
  });

  it('capture --read FILE --out x.jsonl: none of them, and of the command files only capture\'s', async () => {
    const { code, packages, commandFiles, modules } = await packagesOf(['capture', '--read', PCAP, '--out', join(dir, 'x.jsonl')]);
    expect(code).toBe(0);
    // A small file is read on this thread; writing .jsonl needs none of the HAR reading side.
    expect(loadedOf(modules, [...READER_THREAD, ...HAR_READING, 'replay/pacer'])).toEqual([]);
    expect(loadedOf(modules, PCAP_READER)).toEqual(PCAP_READER);
    expect(heavyIn(packages)).toEqual([]);
    expect(helpRendererIn(packages)).toEqual([]);
    expect(commandFiles.sort()).toEqual(['capture', 'index']);
  });

  it('capture --help: the help renderer loads when help is drawn', async () => {
    const { code, packages, commandFiles } = await packagesOf(['capture', '--help']);
    expect(code).toBe(0);
    expect(helpRendererIn(packages)).toEqual(HELP_RENDERER);
    expect(commandFiles.sort()).toEqual(['capture', 'index']);
  });

  it('replay FILE --target URL without --staging: neither zod nor yaml (nor any other of them)', async () => {
    const { code, packages, modules } = await packagesOf(['replay', PCAP, '--target', target, '--speed', '0', '--no-compare']);
    expect(code).toBe(0);
    expect(modules.has(YARGS)).toBe(true);
    expect(heavyIn(packages)).toEqual([]);
    expect(helpRendererIn(packages)).toEqual([]);
  });

  it('cat x.jsonl: neither the pcap reader nor the pacer, and the HAR reading side it uses', async () => {
    const jsonl = join(dir, 'cat.jsonl');
    expect((await run(process.execPath, [CLI, 'capture', '--read', PCAP, '--out', jsonl], { timeoutMs: 30_000 })).code).toBe(0);
    const { code, modules } = await packagesOf(['cat', jsonl]);
    expect(code).toBe(0);
    expect(loadedOf(modules, [...PCAP_READER, ...READER_THREAD, 'replay/pacer'])).toEqual([]);
    expect(loadedOf(modules, HAR_READING)).toEqual(HAR_READING);
  });

  it('targets: the load balancer\'s SDK client, not EC2\'s (only instance targets need it, ~1 s of CPU to load)', async () => {
    const closed = createServer();
    const port = await listenLoopback(closed);
    await new Promise((r) => closed.close(r));
    const { code, packages } = await packagesOf(['targets', '--target-group', 'web', '--endpoint-url', `http://127.0.0.1:${port}`], awsEnv());
    expect(code).toBe(2); // the endpoint is down: the client was made and used
    expect(packages.has('@aws-sdk/client-elastic-load-balancing-v2')).toBe(true);
    expect(packages.has('@aws-sdk/client-ec2')).toBe(false);
  });

  it('SHADOWTAP_SPIN_US or SHADOWTAP_REDACT_KEY set: the module it configures loads (and applies it)', async () => {
    const r = await run(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, CLI, '--version'], { timeoutMs: 30_000, env: { SHADOWTAP_SPIN_US: '100', SHADOWTAP_REDACT_KEY: 'short' } });
    expect(r.stderr).toMatch(/LOADED .*\/dist\/replay\/pacer\.js$/m);
    expect(r.stderr).toMatch(/LOADED .*\/dist\/stages\/redact\/key\.js$/m);
    expect(r.code).toBe(0); // the key is checked when first used, as before: --version uses none
  });
});
