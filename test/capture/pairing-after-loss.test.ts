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
