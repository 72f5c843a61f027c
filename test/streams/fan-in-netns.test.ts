import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/capture-tools.js';
import { RedisServer } from '../helpers/redis-server.js';
import { startCli, startRecorder, type Proc } from './procs.js';

/**
 * Issue 16, "It must show" 1, as three hosts: network namespaces H1..H3 each run a recording proxy,
 * joined by veth links to a namespace C holding Redis and the service. Load runs from C through the
 * three proxies into one stream; two consumers (on H1 and H2) of one group replay it, each exchange
 * exactly once. Namespaces need root (CI runs as root).
 */
const id = `${process.pid % 10000}`;
const C = `stc${id}`;
const H = [1, 2, 3].map((i) => `sth${i}x${id}`);
const PER_HOST = 20;
const procs: Proc[] = [];
let redis: RedisServer | undefined;
let service: ChildProcess | undefined;
const seen: string[] = [];

async function sh(...args: string[]): Promise<void> {
  const r = await run(args[0]!, args.slice(1));
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}

beforeAll(async () => {
  await sh('ip', 'netns', 'add', C);
  await sh('ip', '-n', C, 'link', 'set', 'lo', 'up');
  for (const [k, ns] of H.entries()) {
    const i = k + 1;
    await sh('ip', 'netns', 'add', ns);
    await sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
    await sh('ip', 'link', 'add', `vc${i}x${id}`, 'netns', C, 'type', 'veth', 'peer', 'name', `vh${i}x${id}`, 'netns', ns);
    await sh('ip', '-n', C, 'addr', 'add', `10.77.${i}.1/24`, 'dev', `vc${i}x${id}`);
    await sh('ip', '-n', ns, 'addr', 'add', `10.77.${i}.2/24`, 'dev', `vh${i}x${id}`);
    await sh('ip', '-n', C, 'link', 'set', `vc${i}x${id}`, 'up');
    await sh('ip', '-n', ns, 'link', 'set', `vh${i}x${id}`, 'up');
  }
  redis = await RedisServer.start({ netns: C, bind: '0.0.0.0', port: 6379 });
  // The service (and replay target) in C: prints who sent each request.
  const script = `require('http').createServer((q,r)=>{q.resume();q.on('end',()=>{console.log((q.headers['x-consumer']||'-')+' '+q.url);r.end('ok')})}).listen(8080,'0.0.0.0',()=>console.error('up'))`;
  service = spawn('ip', ['netns', 'exec', C, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  service.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = out.split('\n');
    out = lines.pop()!;
    seen.push(...lines);
  });
  await once(service.stderr!, 'data');
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  if (service && service.exitCode === null) {
    service.kill('SIGKILL');
    await once(service, 'exit');
  }
  await redis?.stop();
  for (const ns of [C, ...H]) await run('ip', ['netns', 'del', ns]);
});

describe('Redis fan-in from three hosts (network namespaces)', () => {
  it('three proxies on three hosts publish into one stream; two consumers replay each exchange once', async () => {
    const recorders = await Promise.all(H.map((ns, k) => startRecorder(8080, `redis://10.77.${k + 1}.1:6379/fan`, [], ['ip', 'netns', 'exec', ns], `10.77.${k + 1}.2:8081`, `10.77.${k + 1}.1`)));
    procs.push(...recorders.map((r) => r.proc));
    const load = `(async()=>{await Promise.all([1,2,3].map(async h=>{for(let i=0;i<${PER_HOST};i++){const r=await fetch('http://10.77.'+h+'.2:8081/h'+h+'/r'+i);if(r.status!==200)process.exit(1);await r.text()}}))})()`;
    const l = await run('ip', ['netns', 'exec', C, process.execPath, '-e', load], { timeoutMs: 60_000 });
    expect(l.code).toBe(0);
    for (const r of recorders) expect(await r.proc.stop()).toBe(0);
    for (const r of recorders) expect(r.proc.stderr()).toMatch(new RegExp(`: ${PER_HOST} published, 0 dropped`));
    const consumer = (k: number, name: string): Proc =>
      startCli(['replay', `redis://10.77.${k}.1:6379/fan`, '--group', 'g', '--consumer', name, '-t', `http://10.77.${k}.1:8080`, '--set-header', `x-consumer: ${name}`, '--speed', '0', '--no-compare', '--quiet', '--max-lag-p99', 'off', '--max-loop-delay', 'off'], ['ip', 'netns', 'exec', H[k - 1]!]);
    const a = consumer(1, 'a');
    const b = consumer(2, 'b');
    procs.push(a, b);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const replayed = seen.filter((s) => !s.startsWith('- ')).map((s) => s.split(' ')[1]!);
    const expected = [1, 2, 3].flatMap((h) => Array.from({ length: PER_HOST }, (_, i) => `/h${h}/r${i}`));
    expect(replayed.sort()).toEqual(expected.sort());
    const acked = (p: Proc): number => Number(/(\d+) acknowledged/.exec(p.stderr())?.[1] ?? NaN);
    expect(acked(a) + acked(b)).toBe(expected.length);
  }, 120_000);
});
