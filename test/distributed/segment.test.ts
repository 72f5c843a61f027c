import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rateSchedule } from '../../src/replay/schedule/rate.js';
import { rampSchedule } from '../../src/replay/schedule/ramp.js';
import { captureSchedule } from '../../src/replay/schedule/capture.js';
import { segmentSchedule, sessionKey, type Segment } from '../../src/distributed/segment.js';
import { sessionKeyFunction } from '../../src/replay/staging/session-key.js';
import type { ScheduledRequest } from '../../src/replay/types.js';
import type { Exchange } from '../../src/exchange.js';

const make = (i: number): Omit<ScheduledRequest, 'intendedUs'> => ({ id: `q${i}`, method: 'GET', target: `/${i}`, headers: [] });
const key = (r: ScheduledRequest): string => `${r.id}@${r.intendedUs}`;

async function collect(s: ReturnType<typeof segmentSchedule>): Promise<ScheduledRequest[]> {
  const out: ScheduledRequest[] = [];
  if (Symbol.asyncIterator in s) for await (const x of s) out.push(...(Array.isArray(x) ? x : [x]));
  else for (const x of s) out.push(x);
  return out;
}

/** Every worker's share, then their union in time order (ties by id, as the single process sends them). */
async function shares(build: () => ReturnType<typeof segmentSchedule>, count: number, split: Segment['split']): Promise<ScheduledRequest[][]> {
  return Promise.all(Array.from({ length: count }, (_, index) => collect(segmentSchedule(build(), { index, count, split }))));
}

const byTime = (a: ScheduledRequest, b: ScheduledRequest): number => a.intendedUs - b.intendedUs || Number(a.id.slice(1)) - Number(b.id.slice(1));

describe('striped segments: the union of N workers is the single-process schedule', () => {
  it('rate, Poisson and ramp schedules, any N: same requests at the same µs, none twice', async () => {
    const kinds = fc.oneof(
      fc.record({ kind: fc.constant('rate' as const), rate: fc.integer({ min: 1, max: 3000 }), poisson: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }) }),
      fc.record({ kind: fc.constant('ramp' as const), from: fc.integer({ min: 0, max: 500 }), to: fc.integer({ min: 1, max: 2000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(kinds, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 50, max: 1500 }), async (k, count, durationMs) => {
        const build = (): Iterable<ScheduledRequest> => (k.kind === 'rate' ? rateSchedule({ rate: k.rate, durationMs, poisson: k.poisson, seed: k.seed, make }) : rampSchedule({ from: k.from, to: k.to, durationMs, make }));
        const whole = [...build()];
        const parts = await shares(build, count, 'stripe');
        const union = parts.flat().sort(byTime);
        expect(union.map(key)).toEqual(whole.map(key));
        // Striped: shares differ by at most one request, so no worker carries a different load.
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });
});

function exchange(i: number, atUs: number, conn: number): Exchange {
  return {
    id: `q${i}`,
    timing: { requestStartUs: 1_700_000_000_000_000 + atUs, requestEndUs: 1_700_000_000_000_000 + atUs },
    connection: { clientIp: '10.0.0.1', clientPort: 40000 + conn, serverIp: '10.0.0.2', serverPort: 80 },
    request: { method: 'GET', target: `/${i}`, httpVersion: 'HTTP/1.1', headers: [] },
  };
}

describe('session segments: a capture split by connection', () => {
  it('the union is the single-process schedule; each connection on one worker, in recorded order', async () => {
    const capture = fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 12 })), { minLength: 1, maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(capture, fc.integer({ min: 1, max: 6 }), fc.constantFrom(0.5, 1, 3), async (rows, count, speed) => {
        const exchanges = rows.sort((a, b) => a[0] - b[0]).map(([at, conn], i) => exchange(i, at, conn));
        const build = (): AsyncIterable<ScheduledRequest> => captureSchedule(exchanges, { speed });
        const whole = await collect(build());
        const parts = await shares(build, count, 'session');
        expect(parts.flat().sort(byTime).map(key)).toEqual(whole.map(key));
        const owner = new Map<number, number>();
        parts.forEach((p, w) => {
          for (const r of p) {
            const conn = r.recorded!.connection!.clientPort;
            expect(owner.get(conn) ?? w).toBe(w);
            owner.set(conn, w);
          }
          // In order within the share: intended times never go backwards.
          expect(p.map((r) => r.intendedUs)).toEqual([...p.map((r) => r.intendedUs)].sort((a, b) => a - b));
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe('session key: one definition with the staging stage', () => {
  it('by cookie, a recorded session (client + session cookie) is one key whatever its other cookies and connections', () => {
    const ex = (port: number, cookie: string): Exchange => ({
      id: `e${port}`,
      request: { method: 'GET', target: '/', version: 'HTTP/1.1', headers: [{ name: 'Cookie', value: cookie }] },
      connection: { clientIp: '10.0.0.7', clientPort: port, serverIp: '10.0.0.1', serverPort: 80 },
    }) as unknown as Exchange;
    const a = sessionKey(ex(40001, 'theme=dark; sid=S1'), 'cookie', 'x');
    expect(sessionKey(ex(40002, 'sid=S1; csrf=t2'), 'cookie', 'y')).toBe(a);
    expect(sessionKey(ex(40003, 'sid=S2'), 'cookie', 'z')).not.toBe(a);
    // The key is the staging stage's own: its cookie jars and the worker split agree on what a session is.
    expect(a).toBe(sessionKeyFunction()({ headers: [{ name: 'Cookie', value: 'sid=S1' }], recorded: ex(1, '') }));
    // No session cookie: the client address.
    expect(sessionKey(ex(40004, 'theme=dark'), 'cookie', 'w')).toBe('10.0.0.7');
  });
});
