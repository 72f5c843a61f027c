import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { ThreadPool, type PoolMode, type PoolStats } from './pool.js';
import { runSmokeTests } from './smoke-tests.js';

export interface SampleServiceOptions {
  port?: number;
  host?: string;
  threads?: number;
  mode?: PoolMode;
  /** Queue length in queue mode. */
  queue?: number;
  buildVersion?: string;
  maintenance?: boolean;
  databaseConnected?: boolean;
  /** Multiplies every unit of work (1.3 = 30 % slower), to build a "worse" configuration. */
  latencyFactor?: number;
  /** Work time of /render, ms. */
  renderMs?: number;
  /** Bearer token for /admin/*; random when absent. */
  adminToken?: string;
}

export interface SampleService {
  url: string;
  adminToken: string;
  setMaintenance(on: boolean): void;
  setDatabaseConnected(on: boolean): void;
  stats(): PoolStats;
  close(): Promise<void>;
}

const MAX_WORK_MS = 60_000;

/** The embedded default target: an app server with a bounded thread pool, health and smoke-test endpoints. */
export async function startSampleService(opts: SampleServiceOptions = {}): Promise<SampleService> {
  const factor = opts.latencyFactor ?? 1;
  const state = { maintenance: opts.maintenance ?? false, database: opts.databaseConnected ?? true };
  const pool = new ThreadPool({ threads: opts.threads ?? 20, mode: opts.mode ?? 'fail-fast', queue: opts.queue ?? 100 });
  const adminToken = opts.adminToken ?? randomBytes(16).toString('hex');
  const host = opts.host ?? '127.0.0.1';
  const build = { BuildVersion: opts.buildVersion ?? '0.0.0-dev', BuildTimestamp: new Date().toISOString() };
  let baseUrl = '';

  const app = Fastify({ logger: false, forceCloseConnections: true });

  // Every user-facing route holds a "thread" from arrival until its response is gone.
  const pooled = async (_req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const release = await pool.acquire();
    if (!release) {
      await reply.code(503).header('retry-after', '1').send({ error: 'all threads busy' });
      return;
    }
    reply.raw.once('close', release);
  };
  const health = () => ({ ...build, DatabaseConnectivity: state.database, MaintenanceMode: state.maintenance });
  const work = (ms: number) => sleep(Math.min(MAX_WORK_MS, Math.max(0, ms * factor)));
  const unavailable = (reply: FastifyReply) => reply.code(503).send({ error: 'maintenance mode' });

  app.get('/health', { onRequest: pooled }, async (_req, reply) => reply.code(state.database ? 200 : 503).send(health()));

  app.get('/test', { onRequest: pooled }, async (_req, reply) => {
    if (state.maintenance) {
      const Tests = [{ Name: 'maintenance', Description: 'the service accepts user traffic', Endpoint: '/', Success: false, Error: 'maintenance mode is on' }];
      return reply.code(503).send({ Health: health(), Tests });
    }
    const Tests = await runSmokeTests(baseUrl);
    return reply.code(Tests.every((t) => t.Success) ? 200 : 500).send({ Health: health(), Tests });
  });

  app.get('/render', { onRequest: pooled }, async (_req, reply) => {
    if (state.maintenance) return unavailable(reply);
    await work(opts.renderMs ?? 5);
    const items = Array.from({ length: 20 }, (_, i) => `<li>item ${i}</li>`).join('');
    return reply.type('text/html').send(`<!doctype html><html><body><h1>${build.BuildVersion}</h1><ul>${items}</ul></body></html>`);
  });

  app.get<{ Querystring: { ms?: string } }>('/work', { onRequest: pooled }, async (req, reply) => {
    if (state.maintenance) return unavailable(reply);
    const ms = Number(req.query.ms ?? 100);
    if (!Number.isFinite(ms) || ms < 0) return reply.code(400).send({ error: 'ms must be a non-negative number' });
    const started = performance.now();
    await work(ms);
    return reply.send({ ok: true, requestedMs: ms, workedMs: Math.round((performance.now() - started) * 1000) / 1000 });
  });

  // Admin routes bypass the pool (an operator must reach a saturated server) and need the token.
  const authorized = (req: FastifyRequest): boolean => {
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    const wanted = Buffer.from(`Bearer ${adminToken}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };
  app.post<{ Body: { on?: unknown } }>('/admin/maintenance', async (req, reply) => {
    if (!authorized(req)) return reply.code(401).send({ error: 'missing or wrong bearer token' });
    if (typeof req.body?.on !== 'boolean') return reply.code(400).send({ error: 'body must be {"on": true|false}' });
    state.maintenance = req.body.on;
    return { MaintenanceMode: state.maintenance };
  });
  app.get('/admin/stats', async (req, reply) => (authorized(req) ? pool.stats() : reply.code(401).send({ error: 'missing or wrong bearer token' })));

  await app.listen({ port: opts.port ?? 0, host });
  const { port } = app.server.address() as { port: number };
  baseUrl = host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;

  return {
    url: baseUrl,
    adminToken,
    setMaintenance: (on) => void (state.maintenance = on),
    setDatabaseConnected: (on) => void (state.database = on),
    stats: () => pool.stats(),
    close: () => app.close(),
  };
}
