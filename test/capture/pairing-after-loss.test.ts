import { describe, expect, it } from 'vitest';
import { runFlow, type FlowEvent } from '../helpers/http-feed.js';

const req = (p: string): string => `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`;
const res = (p: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${p.length}\r\n\r\n${p}`;

/** Exchanges as "target→body" with a mark for the gap flag. */
function pairs(events: FlowEvent[]): string[] {
  return runFlow(events).exchanges.map((e) => `${e.request.target}→${e.response?.body?.text ?? '-'}${e.flags?.includes('gap') ? ' gap' : ''}`);
}

describe('pairing after response bytes were lost', () => {
  it('pipelined: a response lost whole shifts every later one, so every later exchange says gap', () => {
    const events: FlowEvent[] = [
      { dir: 'request', data: req('/1') + req('/2') + req('/3') + req('/4') },
      { dir: 'response', data: res('/1') },
      { dir: 'response', gap: res('/2').length },
      { dir: 'response', data: res('/3') + res('/4') },
    ];
    // /2 took /3's answer and /3 took /4's: none of them may look whole.
    expect(pairs(events)).toEqual(['/1→/1', '/2→/3 gap', '/3→/4 gap', '/4→- gap']);
  });

  it('one at a time on a keep-alive connection: a lost response shifts the rest too', () => {
    const events: FlowEvent[] = [
      { dir: 'request', data: req('/1') },
      { dir: 'response', gap: res('/1').length },
      { dir: 'request', data: req('/2') },
      { dir: 'response', data: res('/2') },
      { dir: 'request', data: req('/3') },
      { dir: 'response', data: res('/3') },
    ];
    expect(pairs(events).filter((p) => !p.endsWith(' gap'))).toEqual([]);
  });

  it('pairing is trusted again once every request was answered (bytes lost inside one body)', () => {
    const events: FlowEvent[] = [
      { dir: 'request', data: req('/1') + req('/2') },
      { dir: 'response', data: res('/1').slice(0, -2) },
      { dir: 'response', gap: 2 },
      { dir: 'response', data: res('/2') },
      { dir: 'request', data: req('/3') },
      { dir: 'response', data: res('/3') },
    ];
    const got = pairs(events);
    expect(got[0]).toMatch(/^\/1→.* gap$/);
    expect(got.slice(1)).toEqual(['/2→/2', '/3→/3']);
  });
});

/**
 * A keep-alive conversation as a client that waits for each answer has it, every packet acknowledging
 * what its sender had received (stream offsets); the messages in `lost` were lost by the capture whole.
 */
function waiting(paths: string[], lost: { requests?: string[]; responses?: string[] } = {}): FlowEvent[] {
  const events: FlowEvent[] = [];
  let sent = 0;
  let answered = 0;
  for (const p of paths) {
    const q = req(p);
    events.push(lost.requests?.includes(p) ? { dir: 'request', gap: q.length } : { dir: 'request', data: q, ack: answered });
    sent += q.length;
    const r = res(p);
    events.push(lost.responses?.includes(p) ? { dir: 'response', gap: r.length } : { dir: 'response', data: r, ack: sent });
    answered += r.length;
  }
  return events;
}

describe('pairing after loss, by what each side acknowledged', () => {
  const paths = ['/1', '/2', '/3', '/4', '/5', '/6'];

  it('a lost response leaves its request without one; every later response answers its own request', () => {
    expect(pairs(waiting(paths, { responses: ['/2'] }))).toEqual(['/1→/1', '/2→- gap', '/3→/3 gap', '/4→/4', '/5→/5', '/6→/6']);
  });

  it('two responses lost in a row, and one more later', () => {
    const got = runFlow(waiting(paths, { responses: ['/2', '/3', '/5'] }));
    expect(got.exchanges.map((e) => `${e.request.target}→${e.response?.body?.text ?? '-'}`)).toEqual(['/1→/1', '/2→-', '/3→-', '/4→/4', '/5→-', '/6→/6']);
    expect(got.stats.unpaired).toBe(3);
  });

  it('a lost request: its response, captured after the next request (capture reordering), answers nothing seen', () => {
    const events = waiting(paths, { requests: ['/3'] });
    // The response to /3, then /4's request as captured: the other way round.
    const at = events.findIndex((e) => 'data' in e && e.data === res('/3'));
    [events[at], events[at + 1]] = [events[at + 1]!, events[at]!];
    const got = runFlow(events);
    expect(pairs(events)).toEqual(['/1→/1', '/2→/2', '/4→/4 gap', '/5→/5', '/6→/6']);
    expect(got.stats.unpaired).toBe(1);
  });

  it('pipelined requests acknowledge no response between them: nothing is passed over, pairs stay flagged', () => {
    const all = paths.map(req).join('');
    const events: FlowEvent[] = [
      { dir: 'request', data: all, ack: 0 },
      { dir: 'response', data: res('/1'), ack: all.length },
      { dir: 'response', gap: res('/2').length },
      { dir: 'response', data: paths.slice(2).map(res).join(''), ack: all.length },
    ];
    expect(pairs(events)).toEqual(['/1→/1', '/2→/3 gap', '/3→/4 gap', '/4→/5 gap', '/5→/6 gap', '/6→- gap']);
    // Each of those pairs was made while other requests waited: a guess, and flagged as one.
    const guessed = runFlow(events).exchanges.filter((e) => e.flags?.includes('pairing-guessed')).map((e) => e.request.target);
    expect(guessed).toEqual(['/2', '/3', '/4', '/5']);
  });

  it('one waiting request at a time: no pair after a loss is a guess', () => {
    const got = runFlow(waiting(paths, { responses: ['/2', '/5'] })).exchanges;
    expect(got.filter((e) => e.flags?.includes('pairing-guessed'))).toEqual([]);
  });
});
