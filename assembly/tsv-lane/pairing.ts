// Requests paired with responses in order, as createHttpSink (src/capture/http/index.ts) pairs them,
// and each exchange written as its tsv line when the JS sink would emit it.
import { emitLine } from './state';
import { Entry, Flow, HAS_RES, IS_HEAD, REQ_DONE, resize } from './types';

/** MAX_UNANSWERED in index.ts. */
const MAX_UNANSWERED: i32 = 1024;
const ENTRY: usize = offsetof<Entry>();

@inline function entry(flow: Flow, i: i32): Entry {
  return changetype<Entry>(flow.q + <usize>(flow.qHead + i) * ENTRY);
}

function pushEntry(flow: Flow): Entry {
  if (flow.qHead + flow.qLen == flow.qCap) {
    if (flow.qHead > 0) {
      memory.copy(flow.q, flow.q + <usize>flow.qHead * ENTRY, <usize>flow.qLen * ENTRY);
      flow.qHead = 0;
    } else {
      flow.qCap = flow.qCap < 4 ? 4 : flow.qCap * 2;
      flow.q = resize(flow.q, <usize>flow.qCap * ENTRY);
    }
  }
  const e = entry(flow, flow.qLen++);
  memory.fill(changetype<usize>(e), 0, ENTRY);
  return e;
}

/** The request line buf[pos..targetEnd) (method ends at sp1) started a request. */
export function onRequestHead(flow: Flow, buf: usize, pos: i32, sp1: i32, targetEnd: i32, firstUs: i64, lastUs: i64, isHead: bool): void {
  const e = pushEntry(flow);
  e.firstUs = firstUs;
  e.lastUs = lastUs;
  e.flags = isHead ? IS_HEAD : 0;
  const len = targetEnd - pos;
  e.text = heap.alloc(<usize>len);
  e.textLen = len;
  memory.copy(e.text, buf + <usize>pos, <usize>len);
  store<u8>(e.text + <usize>(sp1 - pos), 9);
  // Only one direction visible: a flow's requests are not held forever.
  if (flow.qLen > MAX_UNANSWERED && flow.answered == 0) sendFirst(flow);
}

/** Body bytes of the request in progress (always the newest entry) arrived at `now`. */
export function requestInProgressEnds(flow: Flow, now: i64): void {
  if (flow.qLen > 0) entry(flow, flow.qLen - 1).lastUs = now;
}

export function onRequestDone(flow: Flow): void {
  if (flow.qLen > 0) {
    const e = entry(flow, flow.qLen - 1);
    e.flags |= REQ_DONE;
  }
  flushDone(flow);
}

/** The method of the request the next response answers is HEAD (it frames the response). */
export function methodIsHead(flow: Flow): bool {
  return flow.answered < flow.qLen && (entry(flow, flow.answered).flags & IS_HEAD) != 0;
}

export function onResponseDone(flow: Flow, firstUs: i64, status: i32): void {
  if (flow.answered >= flow.qLen) return; // unpaired
  if (status >= 100 && status < 200 && status != 101) return; // interim
  const e = entry(flow, flow.answered);
  e.flags |= HAS_RES;
  e.status = status;
  e.resFirstUs = firstUs;
  flow.answered++;
  flushDone(flow);
}

function flushDone(flow: Flow): void {
  while (flow.qLen > 0) {
    const f = entry(flow, 0).flags;
    if ((f & REQ_DONE) == 0 || (f & HAS_RES) == 0) return;
    flow.answered--;
    sendFirst(flow);
  }
}

function sendFirst(flow: Flow): void {
  const e = entry(flow, 0);
  const answered = (e.flags & HAS_RES) != 0;
  emitLine(e.firstUs, e.text, e.textLen, answered, e.status, e.resFirstUs - e.lastUs);
  heap.free(e.text);
  flow.qHead++;
  flow.qLen--;
  if (flow.qLen == 0) flow.qHead = 0;
}

/** The flow ended: every request still queued is written, answered or not. */
export function sendAll(flow: Flow): void {
  while (flow.qLen > 0) sendFirst(flow);
  flow.answered = 0;
}
