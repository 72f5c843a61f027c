import type { Exchange } from '../../exchange.js';
import { InputError } from '../../errors.js';
import { parseListen, startRecordingProxy, type RecordingProxyStats } from '../../capture/input-proxy.js';
import { safeUrl } from '../../stages/redact/index.js';
import type { InputModule, Source, SourceOptions } from '../source.js';
import type { DropQueue } from '../../capture/proxy/drop-queue.js';
import { drained } from '../batches.js';

/** Exchanges per batch, and between turns of I/O when a backlog is served. */
const BATCH = 32;

export type ProxySource = Omit<Source, 'stats'> & { host: string; port: number; stats(): RecordingProxyStats };

/** The recording reverse proxy listening on `target` (HOST:PORT), forwarding to `opts.proxy.upstream`. */
export const input: InputModule = { open: (listen, opts) => openProxy(listen, opts) };

export async function openProxy(listen: string, opts: SourceOptions, what = '--listen'): Promise<ProxySource> {
  const p = opts.proxy;
  if (!p) throw new InputError(`${listen}: a recording proxy needs an upstream URL`);
  const { host, port } = parseListen(listen, what);
  const proxy = await startRecordingProxy({
    host,
    port,
    upstream: p.upstream,
    ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    ...(p.queueCapacity !== undefined ? { queueCapacity: p.queueCapacity } : {}),
    ...(p.requestTimeoutMs !== undefined ? { requestTimeoutMs: p.requestTimeoutMs } : {}),
    ...(p.stopGraceMs !== undefined ? { stopGraceMs: p.stopGraceMs } : {}),
  });
  return {
    name: `proxy ${host}:${proxy.port}`,
    origin: { kind: 'proxy', listen: `${host}:${proxy.port}`, upstream: safeUrl(p.upstream) },
    host,
    port: proxy.port,
    batches: () => yielding(proxy.exchanges),
    stop: () => proxy.close(),
    stats: () => ({ ...proxy.stats() }),
  };
}

/**
 * What completed, in batches of what the queue already holds. A backlog is served from resolved
 * promises, which would starve the sockets of the requests being proxied: after a full batch, let I/O run.
 */
async function* yielding(queue: DropQueue<Exchange>): AsyncGenerator<Exchange[]> {
  for await (const batch of drained(queue, BATCH)) {
    yield batch;
    if (batch.length === BATCH) await new Promise((r) => setImmediate(r));
  }
}
