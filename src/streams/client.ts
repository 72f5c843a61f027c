import { createClient, ErrorReply, type RedisClientType } from '@redis/client';
import type { StreamUrl } from './url.js';
import { InputError } from '../errors.js';

export type StreamClient = RedisClientType;

export interface ClientEvents {
  /** Each reconnect attempt after a lost or refused connection. */
  onReconnecting?: () => void;
  /** A connection error, once per outage (the client retries on its own). */
  onError?: (err: Error) => void;
  onReady?: () => void;
}

/** Backoff between reconnect attempts: 50 ms doubling to 2 s, forever (Redis may come back any time). */
export const backoffMs = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 6), 2000);

export interface ClientMode {
  /** Commands wait in the client's queue while it connects (readers); else they fail at once (the publisher). */
  offlineQueue?: boolean;
  /**
   * A reader's first connection fails on the first refusal (the URL is wrong or Redis is not there:
   * exit 2 at once, not after retries); once connected, it reconnects with backoff like every client.
   */
  failFirst?: boolean;
}

/**
 * A node-redis client for the URL. `disableOfflineQueue`: while disconnected a command fails at once
 * instead of waiting in the client's own unbounded queue, so the callers' bounded queues decide.
 */
export function streamClient(url: StreamUrl, events: ClientEvents = {}, mode: ClientMode = {}): StreamClient {
  let connected = false;
  const client = createClient({
    ...(url.username ? { username: url.username } : {}),
    ...(url.password ? { password: url.password } : {}),
    disableOfflineQueue: !mode.offlineQueue,
    socket: {
      host: url.host,
      port: url.port,
      connectTimeout: 5000,
      // `false` ends the connect with the error itself (node-redis rejects `connect()` with it).
      reconnectStrategy: (attempt: number) => (mode.failFirst && !connected ? false : backoffMs(attempt)),
      ...(url.tls ? { tls: true as const, servername: url.host } : {}),
    },
  }) as unknown as StreamClient;
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) events.onError?.(err);
    down = true;
  });
  client.on('reconnecting', () => events.onReconnecting?.());
  client.on('ready', () => {
    connected = true;
    down = false;
    events.onReady?.();
  });
  return client;
}

/**
 * Redis Cluster is not supported: a stream is one key, but node-redis' single-node client cannot follow
 * MOVED redirections. A cluster node is refused at connect (exit 2) instead of failing entry by entry.
 */
export async function refuseCluster(client: StreamClient, shown: string): Promise<void> {
  const info = await client.info('cluster').catch(() => '');
  if (/cluster_enabled:1/.test(info)) throw new InputError(`${shown}: this Redis is a Redis Cluster node (cluster_enabled:1); Redis Cluster is not supported: use a standalone or primary/replica Redis (on ElastiCache, cluster mode disabled)`);
}

/**
 * Connects within `deadlineMs` (retrying with backoff meanwhile, unless the client fails on its first
 * refusal); resolves to why it is not connected by then, or undefined once it is.
 */
export async function connectWithin(client: StreamClient, deadlineMs: number): Promise<Error | undefined> {
  const connecting = client.connect().then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Error>((r) => (timer = setTimeout(() => r(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs)));
  try {
    return await Promise.race([connecting, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a command, retrying with backoff while Redis is unreachable (the client reconnects meanwhile),
 * for up to `maxMs`; then the last error is thrown. An abort ends the wait with `undefined`.
 */
export async function retrying<T>(fn: () => Promise<T>, signal: AbortSignal | undefined, maxMs: number): Promise<T | undefined> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) return undefined;
    try {
      return await fn();
    } catch (err) {
      if (isReplyError(err) || Date.now() - start > maxMs) throw err;
      await pause(backoffMs(attempt), signal);
    }
  }
}

/** An error Redis answered (wrong type, no such group…): retrying does not help. */
export const isReplyError = (err: unknown): boolean => err instanceof ErrorReply;

export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
