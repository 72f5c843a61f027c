import type { Exchange } from '../../exchange.js';
import { DropQueue } from '../../capture/proxy/drop-queue.js';
import type { Source } from '../source.js';
import { drained } from '../batches.js';

export type PushSource = Source & {
  /** Never waits: a full queue drops the exchange and counts it (the producer is a live capture). */
  offer(ex: Exchange): boolean;
};

/**
 * A source fed by a callback (the agent's supervised tcpdump or proxy, which restart on their own):
 * what is offered comes out in batches of what is ready. stop() ends the batches once the queue is drained.
 */
export function pushSource(name: string, origin: Record<string, unknown>, capacity: number): PushSource {
  const queue = new DropQueue<Exchange>(capacity);
  return {
    name,
    origin,
    offer: (ex) => queue.offer(ex),
    batches: () => drained(queue, 256),
    stop: async () => queue.close(),
    stats: () => ({ accepted: queue.accepted, dropped: queue.dropped, queued: queue.size }),
  };
}
