import { newExchange, newTiming, type Exchange, type ExchangeFlag, type ExchangeSource, type InterimResponse } from '../../exchange.js';
import type { CaptureStats, Direction, EndReason, FlowInfo, TcpStreamSink } from '../tcp/stream-sink.js';
import { wantsTunnel } from '../../http1/framing.js';
import { MessageParser, type ParsedMessage } from '../../http1/parser.js';
import { toRequestPart, toResponsePart } from '../../http1/to-exchange.js';
import { lostBefore, type Asked } from './answers.js';

export { MessageParser, type ParsedMessage, type ByteCounts } from '../../http1/parser.js';

export interface HttpSinkOptions {
  maxBodyBytes: number;
  stats: CaptureStats;
  source?: ExchangeSource;
  /** Exchanges without headers, trailers or bodies: what a listing needs, at a fraction of the cost. */
  summary?: boolean;
}

/** Stats this layer adds beyond the shared ones: bytes after a CONNECT/Upgrade, not parsed. */
export type HttpStats = CaptureStats & { tunnelBytes?: number };

interface Pending extends Asked {
  req: ParsedMessage;
  reqDone: boolean;
  res?: ParsedMessage;
  interim: InterimResponse[] | undefined;
  /** Set when bytes went missing right before this exchange (whole messages may be lost). */
  gapBefore: boolean;
  memory: boolean;
  /** Its response went missing with bytes the capture lost (answers.ts): sent without one. */
  lost: boolean;
  /** Paired by order while bytes were lost and other requests waited too: a guess (flag pairing-guessed). */
  guessed: boolean;
}

/** Requests waiting for a response on one flow before the oldest is written as no-response. */
export const MAX_UNANSWERED = 1024;

const INCOMPLETE: ExchangeFlag[] = ['gap', 'request-truncated', 'response-truncated', 'memory-limit'];

/**
 * Parses both directions of one TCP flow and pairs requests with responses in order (HTTP/1.x has
 * no ids: the n-th final response answers the n-th request, which is also what makes pipelining
 * work). This layer counts stats.exchanges, incomplete, unpaired and nonHttpBytes; the pipeline
 * must not count them again.
 */
export function createHttpSink(flow: FlowInfo, opts: HttpSinkOptions, emit: (ex: Exchange) => void): TcpStreamSink {
  const stats = opts.stats as HttpStats;
  const queue: Pending[] = [];
  let answered = 0; // queue[answered] is the request the next final response answers
  let seq = 0;
  // Bytes were lost between messages: whole messages may be gone, so the next exchange says so.
  let reqDesync = false;
  let resDesync = false;
  // Response bytes were lost while requests waited: whole responses may be gone, and every later one
  // would then answer the wrong request. Pairing is trusted again only once no request is waiting.
  let resUncertain = false;
  let reported = 0;
  // Per direction: the last packet's acknowledgement of the other stream, and the bytes lost so far,
  // which with the parser's counts make stream offsets (answers.ts).
  const requestSide = { ack: -1, lost: 0 };
  const responseSide = { ack: -1, lost: 0 };
  const sideOf = (dir: Direction): { ack: number; lost: number } => (dir === 'request' ? requestSide : responseSide);
  const offset = (dir: Direction): number => {
    const c = parserOf(dir).counts;
    return c.http + c.nonHttp + c.tunnel + sideOf(dir).lost;
  };
  // A response that answers a request the capture lost: counted as unpaired when it ends.
  let orphan: ParsedMessage | undefined;
  // The response stream's offset past the last response: lost responses lie between it and the next.
  let since = 0;

  const req = new MessageParser('request', opts, {
    onHead: (m) => {
      const gapBefore = reqDesync || resUncertain;
      queue.push({ req: m, reqDone: false, res: undefined, interim: undefined, gapBefore, memory: false, lost: false, guessed: false, headEnd: offset('request'), ackAt: requestSide.ack });
      reqDesync = false;
      // Only one direction visible (asymmetric routing, a filter): do not hold a flow's requests forever.
      if (queue.length > MAX_UNANSWERED && answered === 0) {
        stats.unpaired++;
        send(queue.shift()!);
      }
    },
    onDesync: () => {
      reqDesync = true;
    },
    onMessage: (m) => {
      // The request that just ended is the newest one (a head is queued before its body is read).
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i]!.req === m) {
          queue[i]!.reqDone = true;
          break;
        }
      }
      if (wantsTunnel(m) && !m.truncated && !m.gap) req.hold();
      // Only a response that came first (an early answer) can be waiting: the call is not made, nor its
      // code (building exchanges) compiled into this hook, for every other request.
      if (queue[0]?.res) flush();
    },
  });
  const res = new MessageParser('response', opts, {
    methodFor: (m) => {
      if (resUncertain || queue[answered]?.gapBefore) pairAfterLoss(m);
      if (m === orphan) return undefined;
      // Acknowledgements tell one waiting request apart, not pipelined ones (answers.ts): a guess then.
      if (resUncertain && queue.length - answered > 1) queue[answered]!.guessed = true;
      return queue[answered]?.req.method;
    },
    onDesync: () => {
      resDesync = true;
      resUncertain = true;
      for (let i = answered; i < queue.length; i++) queue[i]!.gapBefore = true;
    },
    onMessage: (m) => {
      since = offset('response');
      const p = queue[answered];
      if (!p || m === orphan) {
        orphan = undefined;
        stats.unpaired++;
        return;
      }
      if (resDesync) p.gapBefore = true;
      resDesync = false;
      const status = m.status ?? 0;
      if (status >= 100 && status < 200 && status !== 101) {
        (p.interim ??= []).push({ status, reason: m.reason ?? '', headers: m.headers, atUs: m.firstUs });
        return;
      }
      p.res = m;
      answered++;
      if (answered === queue.length) resUncertain = false;
      if (wantsTunnel(p.req)) req.release(m.tunnel);
      flush();
    },
  });

  /** Bytes went missing before this response head: it may answer a later request, or none we saw. */
  function pairAfterLoss(m: ParsedMessage): void {
    const lost = lostBefore(queue, answered, { headEnd: offset('response'), ack: responseSide.ack, since }, queue[answered]?.gapBefore === true, resUncertain);
    if (lost < 0) orphan = m;
    for (let i = 0; i < lost; i++) {
      queue[answered++]!.lost = true;
      stats.unpaired++;
    }
  }

  function flush(): void {
    while (queue.length && queue[0]!.reqDone && (queue[0]!.res || queue[0]!.lost)) {
      answered--;
      send(queue.shift()!);
    }
  }

  function send(p: Pending): void {
    const { req: q, res: r } = p;
    // An unanswered malformed line may be another protocol (SIP, an HTTP/2 preface): counted as unpaired only.
    if (q.malformed && !r) return;
    const flags = flagsOf(p);
    const id = `${flow.id}.${++seq}`;
    const timing = newTiming(q.firstUs, q.lastUs, r?.firstUs, r?.lastUs);
    const ex = newExchange(id, timing, flow.connection, toRequestPart(q), r && toResponsePart(r, p.interim), flags, opts.source);
    stats.exchanges++;
    if (flags?.some((f) => INCOMPLETE.includes(f))) stats.incomplete++;
    emit(ex);
  }

  const parserOf = (dir: Direction): MessageParser => (dir === 'request' ? req : res);
  let ended = false;
  // Non-HTTP bytes are added as they are found, so a live capture's running totals are current.
  const account = (): void => {
    const now = req.counts.nonHttp + res.counts.nonHttp;
    stats.nonHttpBytes += now - reported;
    reported = now;
  };

  return {
    data(dir, buf, start, end, tsUs, ack) {
      if (ended) return;
      sideOf(dir).ack = ack;
      parserOf(dir).pushRange(buf, start, end, tsUs);
      account();
    },
    gap(dir, missing, tsUs) {
      if (ended) return;
      sideOf(dir).lost += missing;
      parserOf(dir).gap(missing, tsUs);
    },
    halfClose(dir, tsUs) {
      if (!ended) parserOf(dir).finish(true, tsUs);
    },
    end(reason: EndReason, tsUs) {
      if (ended) return;
      ended = true;
      const clean = reason === 'fin' || reason === 'rst';
      req.finish(clean, tsUs);
      res.finish(clean, tsUs);
      for (const p of queue) {
        if (!p.res && !p.lost) stats.unpaired++; // a lost one was counted when passed over
        if (reason === 'memory') p.memory = true;
        send(p);
      }
      queue.length = 0;
      account();
      stats.tunnelBytes = (stats.tunnelBytes ?? 0) + req.counts.tunnel + res.counts.tunnel;
    },
  };
}

/** The flags in the order an exchange lists them: bit i of flagBits is FLAG_ORDER[i]. */
const FLAG_ORDER: readonly ExchangeFlag[] = ['gap', 'request-truncated', 'response-truncated', 'tunnel', 'no-response', 'memory-limit', 'malformed', 'early-response', 'pairing-guessed'];

/**
 * Most exchanges are whole: no array (nor closure) is made for them. The others' flags are pushed at one
 * call site: one per flag, each first reached mid-capture (the first unanswered request), had no type
 * feedback and deoptimized the HTTP sink it was inlined into.
 */
function flagsOf(p: Pending): ExchangeFlag[] | undefined {
  const bits = flagBits(p);
  if (bits === 0) return undefined;
  const flags: ExchangeFlag[] = [];
  for (let i = 0; i < FLAG_ORDER.length; i++) if (bits & (1 << i)) flags.push(FLAG_ORDER[i]!);
  return flags;
}

/** Each condition once, as a bit in FLAG_ORDER's order. */
function flagBits(p: Pending): number {
  const { req: q, res: r } = p;
  return (
    (p.gapBefore || q.gap || r?.gap ? 1 : 0) | (q.truncated ? 2 : 0) | (r?.truncated ? 4 : 0) | (r?.tunnel ? 8 : 0) | (r ? 0 : 16) | (p.memory ? 32 : 0) | (q.malformed ? 64 : 0)
    // The server answered before the request was complete (an early 401/413 to an upload).
    | (r !== undefined && r.firstUs < q.lastUs ? 128 : 0)
    | (p.guessed && r !== undefined ? 256 : 0)
  );
}
