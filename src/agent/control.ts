import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { InputError } from '../errors.js';
import { isLoopback } from './loopback.js';

export interface ControlHandlers {
  health(): { status: 'ok' | 'degraded'; reasons: string[] };
  status(): object;
  metrics(): string;
  rotate(): Promise<void>;
  pause(): void;
  resume(): void;
}

export interface ControlOptions {
  host: string;
  port: number;
  token: string;
  allowNonLoopback: boolean;
}


const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * The agent's control API. Loopback only unless the configuration says otherwise, because it can pause
 * capture; every route needs the bearer token (compared in constant time), except a `GET /health` that
 * sends no Authorization at all: liveness probes (systemd, ECS, Kubernetes) cannot send one, so it gets
 * only the status word, never the reasons (they name paths and errors).
 */
export async function startControlApi(o: ControlOptions, h: ControlHandlers): Promise<{ app: FastifyInstance; port: number }> {
  if (!isLoopback(o.host) && !o.allowNonLoopback) {
    throw new InputError(`control.listen: ${o.host} is not a loopback address; the control API can pause capture, so set control.allowNonLoopback: true to expose it deliberately`);
  }
  const expected = digest(`Bearer ${o.token}`);
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.addHook('onRequest', async (req, reply) => {
    const given = req.headers.authorization;
    if (given === undefined && req.method === 'GET' && req.url === '/health') return;
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      await reply.code(401).header('www-authenticate', 'Bearer realm="shadowtap-agent"').send({ error: 'unauthorized' });
    }
  });
  app.get('/health', async (req) => {
    const health = h.health();
    return req.headers.authorization === undefined ? { status: health.status } : health;
  });
  app.get('/status', async () => h.status());
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(h.metrics()));
  app.post('/rotate', async () => {
    await h.rotate();
    return { rotated: true };
  });
  app.post('/pause', async () => {
    h.pause();
    return { paused: true };
  });
  app.post('/resume', async () => {
    h.resume();
    return { paused: false };
  });
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    throw new InputError(`control.listen: cannot listen on ${o.host}:${o.port}: ${(err as Error).message}`);
  }
  const addr = app.server.address();
  return { app, port: typeof addr === 'object' && addr ? addr.port : o.port };
}
