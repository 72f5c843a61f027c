import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../src/formats/capture-file.js';
import type { LocalElb } from '../../src/aws/local/index.js';
import { awsEnv, localElb, statesOf, waitFor } from '../helpers/aws-local.js';
import { expectNoStack, shadowtap } from '../helpers/aws-cli.js';
import { sampleExchange } from '../helpers/exchanges.js';
import { tempDir } from '../helpers/tmp.js';
import { listenLoopback } from '../helpers/listen.js';

/** Servers that count the replayed (non-health-check) requests they receive. */
const servers: { server: http.Server; port: number; paths: string[] }[] = [];
let elb: LocalElb;
let capture: string;

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      if (req.url !== '/health') paths.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    });
    await listenLoopback(server);
    servers.push({ server, port: (server.address() as AddressInfo).port, paths });
  }
  elb = await localElb({
    targetGroups: [{
      name: 'web', healthCheckIntervalMs: 100, healthCheckTimeoutMs: 2000,
      // The third target is registered but draining (never healthy): it must not get traffic.
      targets: servers.map((s, i) => ({ id: '127.0.0.1', port: s.port, ...(i === 2 ? { health: { state: 'draining' as const, reason: 'Target.DeregistrationInProgress' } } : {}) })),
    }, { name: 'down', targets: [{ id: '127.0.0.1', port: 1 }], healthCheckIntervalMs: 100 }],
  });
  capture = join(tempDir(), 'cap.jsonl');
  const w = CaptureWriter.open(capture);
  for (let i = 0; i < 4; i++) await w.write(sampleExchange(i * 2, { request: { ...sampleExchange(i * 2).request, target: `/items/${i}` } }));
  await w.close();
  await waitFor(() => statesOf(elb, 'web').join() === 'healthy,healthy,draining' && statesOf(elb, 'down').join() === 'unhealthy', 'target states');
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.server.close(r));
});

describe('replay --target elbv2://… : every healthy target of the group is a target', () => {
  it('replays the capture to each healthy target, not to the draining one', async () => {
    const spec = `elbv2://web?endpoint=${encodeURIComponent(elb.endpointUrl)}&path=/`;
    const r = await shadowtap(['replay', capture, '--target', spec, '--speed', '0', '--json'], awsEnv(), 60_000);
    expect(r.code).toBe(0);
    expect(servers.map((s) => s.paths.sort())).toEqual([
      ['/items/0', '/items/1', '/items/2', '/items/3'],
      ['/items/0', '/items/1', '/items/2', '/items/3'],
      [],
    ]);
  });

  it('a group with no healthy target → exit 3 naming the targets and reasons', async () => {
    const r = await shadowtap(['replay', capture, '--target', `elbv2://down?endpoint=${encodeURIComponent(elb.endpointUrl)}`], awsEnv(), 60_000);
    expect(r.stderr).toContain('target group "down" has no healthy target: 127.0.0.1:1 unhealthy (Target.FailedHealthChecks: Health checks failed)');
    expect(expectNoStack(r.stderr)).toBe(true);
    expect(r.code).toBe(3);
  });
});
