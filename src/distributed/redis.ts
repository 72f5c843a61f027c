import { createClient } from '@redis/client';
import { InputError } from '../errors.js';
import { safeUrl } from '../stages/redact/index.js';
import { decodeJson, encodeJson, type Down, type Job, type Up } from './protocol.js';
import type { CoordinatorSide, WorkerSide } from './transport.js';

/**
 * Remote workers wait for jobs (BLPOP) in their pool's list, one job per worker slot. A pool is the URL's
 * path (`redis://host:port/POOL`), so several coordinators and their workers can share one Redis.
 */
const jobsOf = (pool: string): string => (pool ? `shadowtap:jobs:${pool}` : 'shadowtap:jobs');
const up = (run: string): string => `shadowtap:run:${run}:up`;
const down = (run: string, w: number): string => `shadowtap:run:${run}:down:${w}`;
/** Run keys outlive any run, then go: Redis memory stays bounded after a coordinator dies. */
const KEY_TTL_S = 3600;

/**
 * A refused first connection is the URL's fault (exit 2 at once, not after retries); once connected, a
 * few reconnects ride out a blip, and past them the run has lost its coordinator and is invalid.
 */
function client(url: string) {
  let connected = false;
  const c = createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: (n) => (!connected ? false : n > 10 ? new Error('gave up reconnecting') : 200) } });
  c.on('ready', () => (connected = true));
  return c;
}

type Client = ReturnType<typeof client>;

const EXPECTED = 'expected redis://host:port[/POOL] or rediss://host:port[/POOL]';

/** `redis://host:port[/POOL]` → the URL to connect to (no path: node-redis would read it as a database) and the pool. */
function parseCoordinatorUrl(url: string): { connect: string; pool: string } {
  const bad = (why: string): InputError => new InputError(`--coordinator ${safeUrl(url)}: ${why}`);
  if (!/^rediss?:\/\//i.test(url)) throw bad(EXPECTED);
  let u: URL;
  let pool: string;
  try {
    u = new URL(url);
    pool = decodeURIComponent(u.pathname.replace(/^\//, ''));
  } catch (err) {
    throw bad(`${(err as Error).message} (${EXPECTED})`);
  }
  if (!/^[\w.-]*$/.test(pool)) throw bad(`pool name "${pool}" may hold letters, digits, "_", "." and "-" only`);
  if (u.search || u.hash) throw bad(`no query or fragment (${EXPECTED})`);
  u.pathname = '';
  return { connect: u.toString(), pool };
}

/** `run --coordinator`: the URL is checked (parsed, connected to) before any scenario starts a service or sends load. */
export async function checkCoordinator(url: string): Promise<void> {
  const link = new RedisLink(url);
  await link.connect();
  await link.close();
}

/**
 * Two connections: commands, and one held by a blocking pop (BLPOP blocks its connection). Lists,
 * not pub/sub: a message sent before its reader has started listening is kept, not lost.
 */
class RedisLink {
  private readonly cmd: Client;
  private readonly reader: Client;
  private closed = false;
  private readonly pushing = new Set<Promise<unknown>>();
  private failed: (why: string) => void = () => undefined;

  /** This pool's job list. */
  readonly jobs: string;

  constructor(readonly url: string) {
    const { connect, pool } = parseCoordinatorUrl(url);
    this.jobs = jobsOf(pool);
    try {
      [this.cmd, this.reader] = [client(connect), client(connect)];
    } catch (err) {
      throw new InputError(`--coordinator ${safeUrl(url)}: ${(err as Error).message} (${EXPECTED})`);
    }
    for (const c of [this.cmd, this.reader]) c.on('error', (err: Error) => !this.closed && this.failed(`redis ${safeUrl(url)}: ${err.message}`));
  }

  async connect(): Promise<void> {
    try {
      await Promise.all([this.cmd.connect(), this.reader.connect()]);
    } catch (err) {
      await this.close();
      throw new InputError(`--coordinator ${safeUrl(this.url)}: ${(err as Error).message}`);
    }
  }

  onFailure(h: (why: string) => void): void {
    this.failed = h;
  }

  push(key: string, value: string): void {
    const p = this.cmd.multi().rPush(key, value).expire(key, KEY_TTL_S).exec().catch((err: Error) => !this.closed && this.failed(`redis: ${err.message}`));
    this.pushing.add(p);
    void p.then(() => this.pushing.delete(p));
  }

  /** One element of `key`, waiting at most `ms`. */
  async pop(key: string, ms: number): Promise<string | undefined> {
    const r = await this.reader.blPop(key, Math.max(0.05, ms / 1000));
    return r?.element;
  }

  /** Pops `key` until closed, handing each element to `h`. */
  listen(key: string, h: (s: string) => void): void {
    void (async () => {
      while (!this.closed) {
        const s = await this.pop(key, 1000).catch(() => undefined);
        if (s !== undefined) h(s);
      }
    })();
  }

  lrem(key: string, value: string): Promise<number> {
    return this.cmd.lRem(key, 0, value);
  }

  /** Sends what was pushed (a worker's last results), then disconnects. */
  async close(): Promise<void> {
    await Promise.all(this.pushing);
    this.closed = true;
    // A client that never connected (or already failed) throws on destroy: nothing is left to end.
    if (this.reader.isOpen) this.reader.destroy();
    if (this.cmd.isOpen) await this.cmd.close().catch(() => this.cmd.destroy());
  }
}

/** `replay`/`run` `--coordinator redis://…`: jobs queued for whichever workers take them. */
export class RedisCoordinator implements CoordinatorSide {
  private readonly link: RedisLink;
  private run = '';
  private jobs: string[] = [];
  private handler: (msg: Up) => void = () => undefined;

  constructor(url: string) {
    this.link = new RedisLink(url);
  }

  async open(jobs: Job[]): Promise<void> {
    await this.link.connect();
    this.run = jobs[0]!.runId;
    this.link.listen(up(this.run), (s) => this.handler(decodeJson<Up>(s)));
    this.jobs = jobs.map((j) => encodeJson(j));
    for (const j of this.jobs) this.link.push(this.link.jobs, j);
  }

  send(worker: number, msg: Down): void {
    this.link.push(down(this.run, worker), encodeJson(msg));
  }

  onMessage(h: (msg: Up) => void): void {
    this.handler = h;
  }

  onFailure(h: (why: string) => void): void {
    this.link.onFailure(h);
  }

  /** Jobs no worker took are taken back: a worker that comes late must not join a finished run. */
  async close(): Promise<void> {
    await Promise.all(this.jobs.map((j) => this.link.lrem(this.link.jobs, j).catch(() => 0)));
    await this.link.close();
  }
}

/** `shadowtap worker --coordinator redis://…`: takes one job from the queue and runs it. */
export class RedisWorker implements WorkerSide {
  private readonly link: RedisLink;
  private job_: Job | undefined;
  private handler: (msg: Down) => void = () => undefined;
  private lost: () => void = () => undefined;

  constructor(url: string) {
    this.link = new RedisLink(url);
    this.link.onFailure(() => this.lost());
  }

  async job(waitMs: number): Promise<Job | undefined> {
    await this.link.connect();
    const until = Date.now() + waitMs;
    for (let left = waitMs; left > 0; left = until - Date.now()) {
      const s = await this.link.pop(this.link.jobs, Math.min(left, 5000));
      if (s === undefined) continue;
      const job = decodeJson<Job>(s);
      if (job.expiresAtMs < Date.now()) continue; // its run's barrier has failed already
      this.job_ = job;
      this.link.listen(down(job.runId, job.segment.index), (m) => this.handler(decodeJson<Down>(m)));
      return job;
    }
    return undefined;
  }

  send(msg: Up): void {
    if (this.job_) this.link.push(up(this.job_.runId), encodeJson(msg));
  }

  onMessage(h: (msg: Down) => void): void {
    this.handler = h;
  }

  onLost(h: () => void): void {
    this.lost = h;
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
