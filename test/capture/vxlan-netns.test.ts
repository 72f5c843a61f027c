// A real VXLAN tunnel between two network namespaces (what AWS VPC Traffic Mirroring delivers to a mirror
// target): the encapsulated capture of the underlay, and the mirror-target command from deploy/README.md,
// give the exchanges that a capture on the tunnel device itself gives.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, run, shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-vxlan-');
const id = `${process.pid % 10000}`;
const [A, B, VA, VB] = [`sta${id}`, `stb${id}`, `sva${id}`, `svb${id}`];
const SERVER = 'http://10.99.0.2:8080';
const root = process.getuid?.() === 0;
const procs: ChildProcess[] = [];

async function sh(...args: string[]): Promise<void> {
  const r = await run(args[0]!, args.slice(1));
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}

/** A process in namespace `ns`; resolves once `ready` appears on its stderr (or at once without one). */
async function inNs(ns: string, args: string[], ready?: string): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(child);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  for (let i = 0; ready && i < 200 && !err.includes(ready); i++) await new Promise((r) => setTimeout(r, 50));
  if (ready && !err.includes(ready)) throw new Error(`${args[0]} in ${ns} not ready: ${err}`);
  return { child, stderr: () => err };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  await once(child, 'exit');
}

beforeAll(async () => {
  if (!root) return;
  await sh('ip', 'netns', 'add', A);
  await sh('ip', 'netns', 'add', B);
  await sh('ip', 'link', 'add', VA, 'type', 'veth', 'peer', 'name', VB);
  for (const [ns, dev, under, over, peer] of [
    [A, VA, '198.51.100.1', '10.99.0.1', '198.51.100.2'],
    [B, VB, '198.51.100.2', '10.99.0.2', '198.51.100.1'],
  ] as const) {
    await sh('ip', 'link', 'set', dev, 'netns', ns);
    await sh('ip', '-n', ns, 'addr', 'add', `${under}/24`, 'dev', dev);
    await sh('ip', '-n', ns, 'link', 'set', dev, 'up');
    await sh('ip', '-n', ns, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'local', under, 'remote', peer, 'dstport', '4789', 'dev', dev);
    await sh('ip', '-n', ns, 'addr', 'add', `${over}/24`, 'dev', 'vx0');
    await sh('ip', '-n', ns, 'link', 'set', 'vx0', 'up');
  }
  const server = `require('http').createServer((q,r)=>{let n=0;q.on('data',c=>n+=c.length);q.on('end',()=>r.end(q.url==='/big'?'b'.repeat(300000):q.method+' '+q.url+' '+n))}).listen(8080,'10.99.0.2',()=>console.error('up'))`;
  await inNs(B, [process.execPath, '-e', server], 'up');
}, 30_000);

afterAll(async () => {
  for (const p of procs) await stop(p);
  if (!root) return;
  await run('ip', ['netns', 'del', A]);
  await run('ip', ['netns', 'del', B]);
});

describe('VXLAN between network namespaces', () => {
  it.skipIf(!root)('the underlay capture and `capture --interface … --bpf "udp port 4789"` give the tunnel device’s exchanges', async () => {
    const outer = join(dir, 'underlay.pcap');
    const inner = join(dir, 'vx0.pcap');
    const live = join(dir, 'live.jsonl');
    const dumps = [
      await inNs(A, ['tcpdump', '-U', '-i', VA, '-w', outer, 'udp port 4789'], 'listening on'),
      await inNs(A, ['tcpdump', '-U', '-i', 'vx0', '-w', inner, 'tcp port 8080'], 'listening on'),
    ];
    const mirror = await inNs(A, [process.execPath, CLI, 'capture', '--interface', VA, '--bpf', 'udp port 4789', '--port', '8080', '--out', live, '--no-redact']);
    // The mirror target's tcpdump says nothing to us once it listens: a probe that shows up in its file does.
    for (let i = 0; i < 40 && !(existsSync(live) && readFileSync(live, 'utf8').includes('/probe')); i++) {
      await run('ip', ['netns', 'exec', A, 'curl', '-s', '-o', '/dev/null', `${SERVER}/probe`]);
      await new Promise((r) => setTimeout(r, 300));
    }
    const curl = (...args: string[]) => run('ip', ['netns', 'exec', A, 'curl', '-s', '-o', '/dev/null', ...args], { input: Buffer.alloc(200_000, 'u') });
    await curl(`${SERVER}/a`, `${SERVER}/b?x=1`, `${SERVER}/big`);
    await curl('--data-binary', '@-', `${SERVER}/upload`);
    await new Promise((r) => setTimeout(r, 1500)); // the mirror's ring-buffer timeout (see input-live.ts)
    for (const d of dumps) await stop(d.child);
    await stop(mirror.child);
    expect(mirror.child.exitCode, mirror.stderr()).toBe(0);
    expect(mirror.stderr()).toMatch(/decapsulated: [1-9]\d* packets came out of VXLAN/);
    const listing = async (file: string) => (await shadowtap(['cat', file])).stdout.split('\n').filter((l) => l && !l.includes('/probe')).map((l) => l.split('\t').slice(1, 4).join(' '));
    const want = await listing(inner);
    expect(want).toEqual(['GET /a 200', 'GET /b?x=1 200', 'GET /big 200', 'POST /upload 200']);
    expect(await listing(outer)).toEqual(want);
    expect(await listing(live)).toEqual(want);
    const json = (await shadowtap(['cat', outer, '--format', 'json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { connection: unknown; flags?: string[] });
    expect(json.every((e) => !e.flags?.length)).toBe(true);
    expect(json[0]!.connection).toMatchObject({ clientIp: '10.99.0.1', serverIp: '10.99.0.2', serverPort: 8080 });
  }, 60_000);
});
