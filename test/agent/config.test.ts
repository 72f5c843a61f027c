import { describe, expect, it } from 'vitest';
import { YamlSource } from '../../src/config/yaml-source.js';
import { loadAgentConfig, parseAgentConfig } from '../../src/agent/config.js';
import { readSettings } from '../../src/config/settings.js';
import { spawnCli } from '../helpers/agent-servers.js';
import { tempDir } from '../helpers/tmp.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listenLoopback } from '../helpers/listen.js';

const dir = tempDir('shadowtap-agentcfg-');
const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseAgentConfig(YamlSource.parse('agent.yaml', text), readSettings(env));
const base = `source:\n  proxy:\n    listen: 127.0.0.1:8081\n    upstream: http://127.0.0.1:8080\nfiles:\n  dir: /tmp/x\ncontrol:\n  token: 0123456789abcdef0123\n`;

describe('agent.yaml', () => {
  it('fills defaults and converts sizes and durations', async () => {
    const c = await parse(base + 'mirror:\n  targets: [{ url: "http://127.0.0.1:9000" }]\n  maxRate: 50\n');
    expect(c.files).toMatchObject({ prefix: 'capture', maxFileBytes: 100 * 1024 ** 2, rotateEvery: 3_600_000, gzip: true, maxTotalBytes: 10 * 1024 ** 3 });
    expect(c.control).toMatchObject({ listen: '127.0.0.1:9464', token: '0123456789abcdef0123', allowNonLoopback: false });
    expect(c.mirror).toMatchObject({ samplePercent: 100, maxRate: 50, queue: 1000 });
    const d = await parse(base.replace('  dir: /tmp/x\n', '  dir: /tmp/x\n  maxFileBytes: 1.5MiB\n  rotateEvery: 15m\n'));
    expect(d.files).toMatchObject({ maxFileBytes: 1.5 * 1024 ** 2, rotateEvery: 900_000 });
  });

  it('names file:line:col and the field in every error', async () => {
    await expect(parse(base.replace('  dir: /tmp/x\n', '  dir: /tmp/x\n  maxFileBytes: lots\n'))).rejects.toThrow(/^agent\.yaml:7:17: files\.maxFileBytes: expected a size/);
    await expect(parse(base.replace('  dir: /tmp/x\n', '  dir: /tmp/x\n  gzipp: true\n'))).rejects.toThrow(/^agent\.yaml:7:3: files\.gzipp: unknown field \(known: dir, prefix, maxFileBytes/);
    await expect(parse(base.replace('http://127.0.0.1:8080', 'not a url'))).rejects.toThrow(/^agent\.yaml:4:15: source\.proxy\.upstream:/);
    await expect(parse(base + 'source2: 1\n')).rejects.toThrow(/agent\.yaml:9:1: source2: unknown field/);
    await expect(parse(base.replace('control:\n  token: 0123456789abcdef0123\n', ''))).rejects.toThrow(/bearer token of at least 16 characters/);
    await expect(parse(base.replace('files:\n  dir: /tmp/x\n', ''))).rejects.toThrow(/nothing to do/);
    await expect(parse(base.replace('  proxy:', '  live:\n    interface: lo\n  proxy:'))).rejects.toThrow(/exactly one of source\.live or source\.proxy/);
    await expect(parse(base.replace('  dir: /tmp/x\n', '  dir: /tmp/x\n  maxFileBytes: 100MiB\n  maxTotalBytes: 50MiB\n'))).rejects.toThrow(/^agent\.yaml:\d+:\d+: files\.maxTotalBytes: maxTotalBytes is less than maxFileBytes/);
  });

  it('refuses in the file what the agent could not listen on or forward to, naming the line', async () => {
    await expect(parse(base.replace('127.0.0.1:8081', '127.0.0.1:99999'))).rejects.toThrow('agent.yaml:3:13: source.proxy.listen: port 99999 is out of range: expected HOST:PORT with a port from 0 to 65535, got "127.0.0.1:99999"');
    await expect(parse(base.replace('127.0.0.1:8081', 'localhost'))).rejects.toThrow('agent.yaml:3:13: source.proxy.listen: expected HOST:PORT, got "localhost"');
    // The whole URL, its password masked: the scheme alone does not say which line of a long file is wrong.
    await expect(parse(base.replace('http://127.0.0.1:8080', 'ftp://u:secret@127.0.0.1:8080'))).rejects.toThrow('agent.yaml:4:15: source.proxy.upstream: expected an http:// or https:// URL, got ftp://u:***@127.0.0.1:8080/');
    await expect(parse(base + 'mirror:\n  targets: [{ url: "ws://127.0.0.1:9000" }]\n')).rejects.toThrow(/^agent\.yaml:10:\d+: mirror\.targets\[0\]\.url: expected an http:\/\/ or https:\/\/ URL, got ws:/);
    await expect(parse(base.replace('control:\n', 'control:\n  listen: 127.0.0.1:70000\n'))).rejects.toThrow(/^agent\.yaml:8:11: control\.listen: port 70000 is out of range/);
    await expect(parse(base.replace('127.0.0.1:8081', '127.0.0.1:0').replace('http://127.0.0.1:8080', 'https://[::1]:8443/base'))).resolves.toBeDefined();
  });

  it('says that a duration needs a unit when YAML gives a bare number', async () => {
    const bare = 'agent.yaml:7:16: files.rotateEvery: expected a duration such as 500ms, 30s, 2h, 1h30m or 500us: a duration needs a unit, write 60s (or 60ms, 60m)';
    await expect(parse(base.replace('  dir: /tmp/x\n', '  dir: /tmp/x\n  rotateEvery: 60\n'))).rejects.toThrow(`${bare} (got 60)`);
    await expect(parse(base.replace('  dir: /tmp/x\n', '  dir: /tmp/x\n  rotateEvery: "60"\n'))).rejects.toThrow(`${bare} (got "60")`);
  });

  // Spawns dist/cli/main.js: sees a change to src/ only once the CLI is rebuilt.
  it('--check refuses exactly what the start refuses, with the same file:line:col message', async () => {
    const file = join(dir, 'port.yaml');
    writeFileSync(file, base.replace('127.0.0.1:8081', '127.0.0.1:99999').replace('http://127.0.0.1:8080', 'ftp://127.0.0.1:8080').replace('control:\n', 'control:\n  listen: 127.0.0.1:0\n'));
    const said: string[] = [];
    for (const args of [['--check'], []]) {
      const cli = spawnCli(['agent', '--config', file, ...args]);
      expect(await cli.exit).toBe(2);
      said.push(cli.stderr());
    }
    expect(said[0]).toBe(`shadowtap: ${file}:3:13: source.proxy.listen: port 99999 is out of range: expected HOST:PORT with a port from 0 to 65535, got "127.0.0.1:99999"\n`);
    expect(said[1]).toBe(said[0]);
  });

  it('takes the token from the environment', async () => {
    const c = await parse(base.replace('  token: 0123456789abcdef0123\n', '  listen: 127.0.0.1:1234\n'), { SHADOWTAP_AGENT_TOKEN: 'from-env-0123456789' });
    expect(c.control.token).toBe('from-env-0123456789');
  });

  it('refuses a non-loopback control address unless allowed', async () => {
    await expect(parse(base.replace('control:\n', 'control:\n  listen: 0.0.0.0:9464\n'))).rejects.toThrow(/^agent\.yaml:8:11: control\.listen: 0\.0\.0\.0 is not a loopback address/);
    const ok = await parse(base.replace('control:\n', 'control:\n  listen: 0.0.0.0:9464\n  allowNonLoopback: true\n'));
    expect(ok.control.listen).toBe('0.0.0.0:9464');
    await expect(parse(base.replace('control:\n', 'control:\n  listen: "[::1]:9464"\n'))).resolves.toBeDefined();
  });

  it('the shipped example is valid, and the CLI exits 2 naming the line for a bad file', async () => {
    await expect(loadAgentConfig(join(import.meta.dirname, '..', '..', 'deploy', 'agent.example.yaml'), readSettings({ SHADOWTAP_AGENT_TOKEN: 'example-token-0123456789' }))).resolves.toBeDefined();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, base.replace('control:\n', 'control:\n  listen: 10.0.0.1:9464\n'));
    const cli = spawnCli(['agent', '--config', bad]);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr()).toMatch(/bad\.yaml:8:11: control\.listen: 10\.0\.0\.1 is not a loopback address/);
    expect(cli.stderr()).not.toMatch(/at .*\.js:\d+/);
  });

  it('a source that cannot start (bad interface, port in use) is exit 2 with the reason, not a crash', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await listenLoopback(busy);
    const port = (busy.address() as { port: number }).port;
    try {
      const cases: [string, RegExp][] = [
        [base.replace('listen: 127.0.0.1:8081', `listen: 127.0.0.1:${port}`).replace('control:\n', 'control:\n  listen: 127.0.0.1:0\n'), /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/],
        [base.replace(/ {2}proxy:\n.*\n.*\n/, '  live:\n    interface: no-such-if0\n').replace('control:\n', 'control:\n  listen: 127.0.0.1:0\n'), /tcpdump: .*no-such-if0/],
      ];
      for (const [text, re] of cases) {
        const file = join(dir, 'start.yaml');
        writeFileSync(file, text.replace('/tmp/x', join(dir, 'files')));
        const cli = spawnCli(['agent', '--config', file]);
        expect(await cli.exit, cli.stderr()).toBe(2);
        expect(cli.stderr()).toMatch(re);
        expect(cli.stderr()).not.toMatch(/\n\s+at /);
      }
    } finally {
      busy.close();
    }
  });
});
