import { hostname } from 'node:os';
import type { Exchange } from '../../exchange.js';
import { liveCapture } from '../../capture/input-live.js';
import type { InputModule, Source } from '../source.js';

/** Live capture: tcpdump on the interface `target` (`capture --interface eth0`). */
export const input: InputModule = {
  async open(iface, opts) {
    const host = hostname();
    const live = liveCapture({
      iface,
      ...(opts.ports ? { ports: opts.ports } : {}),
      ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
      ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
      ...(opts.live?.bpf ? { bpf: opts.live.bpf } : {}),
      ...(opts.live?.bufferKiB !== undefined ? { bufferKiB: opts.live.bufferKiB } : {}),
      ...(opts.live?.tcpdump ? { tcpdump: opts.live.tcpdump } : {}),
      source: { capture: iface, kind: 'live', host },
    });
    const source: Source & { ready: Promise<void> } = {
      name: `interface ${iface}`,
      origin: { kind: 'live', capture: iface, ports: opts.ports ?? [], host },
      batches: () => oneByOne(live.exchanges),
      stop: () => live.stop(),
      stats: () => live.stats,
      ready: live.ready,
    };
    return source;
  },
};

/** Exchanges come one by one as packets arrive: each is a batch, so none waits for the next. */
async function* oneByOne(items: AsyncIterable<Exchange>): AsyncGenerator<Exchange[]> {
  for await (const item of items) yield [item];
}
