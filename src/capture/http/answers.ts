/**
 * Which waiting request a response answers once the capture has lost bytes. HTTP/1.x pairs by order
 * alone, so one response lost to a capture drop would shift every later pair of the connection by one
 * (a response under the wrong request until the connection closes: a fifth of a 55 MB wrk capture whose
 * tcpdump dropped 476 packets). TCP says more than the order: every segment acknowledges what its sender
 * had received when it sent it, and nobody answers a request it has not received, nor sends, before
 * receiving a response, a request that waits for it. So, in stream offsets (bytes since the direction's
 * first, gaps included):
 * - a response answers no request whose head the server's acknowledgement does not cover;
 * - a response lost whole lay between the last response seen and this one, and a client that waits for
 *   each response (every browser and load generator: pipelining is rare) sent the next request only once
 *   it had received it: acknowledging past the last response seen, and not past this one's start.
 * So a request in line is passed over (its response declared lost) only when the next one was sent so.
 * A pipelining client sends its requests before any answer, acknowledging no response between them:
 * then nothing is passed over and the exchanges stay flagged `gap`, paired in order as before.
 */

/** What pairing needs of a waiting request. */
export interface Asked {
  /** The request stream's offset just past the request's head. */
  headEnd: number;
  /** How much of the response stream the client had received when the head was sent; -1 unknown. */
  ackAt: number;
}

/** What pairing needs of a response head. */
export interface Answer {
  /** The response stream's offset just past the response's head. */
  headEnd: number;
  /** How much of the request stream the server had received when it sent the head; -1 unknown. */
  ack: number;
  /** The response stream's offset just past the last response before this one (0 for none). */
  since: number;
}

/**
 * For a response arriving while `queue[first]` is the request next in line: -1 when it answers a request
 * the capture lost (requests may have been lost before `queue[first]`, and the server had not received
 * its head), else how many requests from `first` on lost their responses (only when `responsesLost`:
 * response bytes went missing while they waited).
 */
export function lostBefore(queue: readonly Asked[], first: number, res: Answer, requestsLost: boolean, responsesLost: boolean): number {
  const next = queue[first];
  if (next === undefined) return 0;
  if (requestsLost && res.ack >= 0 && next.headEnd > res.ack) return -1;
  if (!responsesLost) return 0;
  let k = first;
  while (k + 1 < queue.length) {
    const later = queue[k + 1]!;
    // Sent once the client had received more than the responses seen (a lost one), before this one.
    const sentBefore = later.ackAt > res.since && later.ackAt < res.headEnd;
    const received = res.ack < 0 || later.headEnd <= res.ack;
    if (!sentBefore || !received) break;
    k++;
  }
  return k - first;
}
