import type { Exchange } from '../../exchange.js';
import { InputError } from '../../errors.js';
import { parseListen, startRecordingProxy, type RecordingProxyStats } from '../../capture/input-proxy.js';
import { safeUrl } from '../../stages/redact/index.js';
import type { InputModule, Source, SourceOptions } from '../source.js';

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
 * One exchange per batch, as they complete. A backlog is served from resolved promises, which would
 * starve the sockets of the requests being proxied: let I/O run every few exchanges.
 */
async function* yielding(items: AsyncIterable<Exchange>): AsyncGenerator<Exchange[]> {
  let n = 0;
  for await (const ex of items) {
    yield [ex];
    if (++n % 32 === 0) await new Promise((r) => setImmediate(r));
  }
}
