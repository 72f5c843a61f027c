import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient } from '../../src/aws/client.js';
import { waitForHealth } from '../../src/aws/command.js';
import { describeTargets, findTargetGroups } from '../../src/aws/discover.js';
import { runDrainCycle } from '../../src/aws/drain.js';
import { allHealthy, CREDS, localElb } from '../helpers/aws-local.js';
import { BAD_PORT_LANES, fetchRefusal, listenOnBadPort } from './bad-port.js';

let server: http.Server;
let port: number;
const checks: { path?: string; connection?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    checks.push({ path: req.url, connection: req.headers.connection });
    res.writeHead(req.url === '/health' ? 200 : 404).end('ok');
  });
  port = await listenOnBadPort(server, BAD_PORT_LANES.drain);
});
afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

describe('drain health check on a port fetch refuses (as ALB checks any port)', () => {
  it('the port is one fetch refuses, and waitForHealth still sees its 200 on a fresh connection', async () => {
    expect(await fetchRefusal(port)).toBe('bad port');
    const before = checks.length;
    await waitForHealth(`http://127.0.0.1:${port}/health`, 5000);
    expect(checks.slice(before)).toEqual([{ path: '/health', connection: 'close' }]);
  });

  it('a closed port fails naming the connection error, not "bad port"', async () => {
    await expect(waitForHealth('http://127.0.0.1:1/health', 300, undefined, 50)).rejects.toThrow(/did not answer 200 within 300 ms \(last: connect ECONNREFUSED 127\.0\.0\.1:1\)/);
  });

  it('a graceful cycle of a target on that port completes and leaves it registered, healthy, in its AZ', async () => {
    const elb = await localElb({
      targetGroups: [{
        name: 'odd-port', loadBalancer: 'odd-lb', healthCheckIntervalMs: 100, healthCheckTimeoutMs: 2000, healthyThreshold: 2, deregistrationDelayMs: 300,
        targets: [{ id: '127.0.0.1', port, az: 'us-east-1b' }],
      }],
    });
    await allHealthy(elb);
    const aws = { endpointUrl: elb.endpointUrl, region: 'us-east-1', credentials: CREDS };
    const r = await runDrainCycle({ targetGroup: 'odd-port', healthTimeoutMs: 5000, pollMs: 100, waiter: { minDelayMs: 100, maxDelayMs: 200, maxWaitMs: 20_000 }, aws });
    expect(r.error).toBeUndefined();
    expect(r.leftDeregistered).toBeUndefined();
    const steps = r.timeline.filter((e) => e.kind === 'step').map((e) => e.name);
    expect(steps).toEqual(['deregister', 'deregistered', 'command', 'command-done', 'health-ok', 'register', 'in-service']);
    const client = elbClient(aws);
    try {
      const [tg] = await findTargetGroups(client, { targetGroup: 'odd-port' });
      const rows = await describeTargets(client, tg!);
      expect(rows.map((x) => `${x.id}:${x.port} ${x.az} ${x.state}`)).toEqual([`127.0.0.1:${port} us-east-1b healthy`]);
    } finally {
      client.destroy();
    }
  });
});
