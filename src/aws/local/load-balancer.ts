import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalElbState } from './state.js';
import type { LocalTarget } from './target-group.js';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade'];

function strip(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers };
  for (const h of HOP_BY_HOP) delete out[h];
  return out;
}

export interface LoadBalancerHandle {
  name: string;
  url: string;
  /** Requests sent to each target ("id:port"), for checking where traffic went. */
  requestsByTarget: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A small ALB stand-in: round-robins real HTTP over the routable targets of the group the load balancer
 * forwards to. A draining target gets no new request; its in-flight ones finish. Upstream failure before
 * the response starts → 502, no routable target → 503, as ALB answers.
 */
export async function startLoadBalancer(state: LocalElbState, name: string, port = 0): Promise<LoadBalancerHandle> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const requestsByTarget = new Map<string, number>();
  let next = 0;
  const pick = (): LocalTarget | undefined => {
    const targets = state.routable(name);
    return targets.length ? targets[next++ % targets.length] : undefined;
  };
  const server = http.createServer((req, res) => {
    const t = pick();
    if (!t) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('503 Service Temporarily Unavailable\n');
      return;
    }
    const key = `${t.id}:${t.port}`;
    requestsByTarget.set(key, (requestsByTarget.get(key) ?? 0) + 1);
    const headers = strip(req.headers);
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    headers['x-forwarded-proto'] = 'http';
    const up = http.request({ host: t.address, port: t.port, method: req.method, path: req.url, headers, agent }, (ures) => {
      res.writeHead(ures.statusCode ?? 502, strip(ures.headers));
      ures.pipe(res);
      ures.on('error', () => res.destroy());
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('502 Bad Gateway\n');
      else res.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name, url, requestsByTarget,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
