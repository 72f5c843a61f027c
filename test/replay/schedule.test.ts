import { describe, expect, it } from 'vitest';
import { rateSchedule } from '../../src/replay/schedule/rate.js';
import { rampSchedule } from '../../src/replay/schedule/ramp.js';
import { captureSchedule } from '../../src/replay/schedule/capture.js';
import { routeTemplate } from '../../src/replay/route-template.js';
import { envProxyFor } from '../../src/replay/dispatch/proxy-env.js';
import { exchangeFilter } from '../../src/replay/filters.js';
import { recorded } from '../helpers/replay-fixtures.js';
import type { Exchange } from '../../src/exchange.js';

const make = (i: number) => ({ id: String(i), method: 'GET', target: '/', headers: [] });

async function* gen(xs: Exchange[]): AsyncGenerator<Exchange> {
  yield* xs;
}

describe('schedules', () => {
  it('rate: even spacing, or Poisson with the right mean and a fixed seed', () => {
    const even = [...rateSchedule({ rate: 100, durationMs: 1000, make })];
    expect(even).toHaveLength(100);
    expect(even[1]!.intendedUs - even[0]!.intendedUs).toBeCloseTo(10_000, 6);
    const p = [...rateSchedule({ rate: 2000, durationMs: 20_000, poisson: true, seed: 7, make })];
    expect(Math.abs(p.length - 40_000)).toBeLessThan(600); // ±3σ of a Poisson count
    expect(p.map((x) => x.intendedUs)).toEqual([...rateSchedule({ rate: 2000, durationMs: 20_000, poisson: true, seed: 7, make })].map((x) => x.intendedUs));
  });

  it('ramp: the count is the area under the rate line, and the gaps shrink', () => {
    const r = [...rampSchedule({ from: 10, to: 110, durationMs: 10_000, make })];
    expect(Math.abs(r.length - 600)).toBeLessThanOrEqual(1);
    const gap = (i: number): number => r[i + 1]!.intendedUs - r[i]!.intendedUs;
    expect(gap(1)).toBeGreaterThan(gap(r.length - 3) * 5);
  });

  it('capture: recorded timing / speed, loops continue the timing, duration and max stop it', async () => {
    const xs = [0, 100, 300].map((ms, i) => recorded(i, ms));
    const at = async (o: Parameters<typeof captureSchedule>[1]) => {
      const out: [string, number][] = [];
      for await (const r of captureSchedule(() => gen(xs), o)) out.push([r.id, r.intendedUs / 1000]);
      return out;
    };
    expect(await at({ speed: 2 })).toEqual([['r0', 0], ['r1', 50], ['r2', 150]]);
    expect(await at({ loop: 2 })).toEqual([['r0#0', 0], ['r1#0', 100], ['r2#0', 300], ['r0#1', 450], ['r1#1', 550], ['r2#1', 750]]);
    expect(await at({ loop: Infinity, rate: 10, durationMs: 500 })).toHaveLength(5);
    expect(await at({ loop: Infinity, maxRequests: 7 })).toHaveLength(7);
  });
});

describe('route templates, env proxies, filters', () => {
  it('groups ids, UUIDs, hashes and long tokens as {id}', () => {
    expect(routeTemplate('/users/123/orders/9?x=1', 'GET')).toBe('GET /users/{id}/orders/{id}');
    expect(routeTemplate('/o/3f2504e0-4f89-11d3-9a0c-0305e82c3301/files/deadbeefcafe1234')).toBe('/o/{id}/files/{id}');
    expect(routeTemplate('/t/AbC123xYz789QwErTy/v2/health')).toBe('/t/{id}/v2/health');
    expect(routeTemplate('http://h:1/a/77')).toBe('/a/{id}');
    // Edges of the one-pass scan: empty segments, a fragment, escaped ids, a target without a path.
    expect(routeTemplate('//x//9//#frag/1', 'GET')).toBe('GET //x//{id}//');
    expect(routeTemplate('/a/%31%32/b%2F3', 'PUT')).toBe('PUT /a/{id}/b%2F3');
    expect(routeTemplate('123')).toBe('{id}');
    expect([routeTemplate('', 'GET'), routeTemplate('?q=1'), routeTemplate('*', 'OPTIONS')]).toEqual(['GET /', '/', 'OPTIONS *']);
  });

  it('NO_PROXY: names, suffixes, ports and *', () => {
    const env = { HTTP_PROXY: 'http://p:3128', HTTPS_PROXY: 'http://q:3128', NO_PROXY: 'internal.example, .corp, 127.0.0.1:8080' };
    expect(envProxyFor('http://a.example/', env)).toBe('http://p:3128');
    expect(envProxyFor('https://a.example/', env)).toBe('http://q:3128');
    expect(envProxyFor('http://api.internal.example/', env)).toBeUndefined();
    expect(envProxyFor('http://x.corp/', env)).toBeUndefined();
    expect(envProxyFor('http://127.0.0.1:8080/', env)).toBeUndefined();
    expect(envProxyFor('http://127.0.0.1:8081/', env)).toBe('http://p:3128');
    expect(envProxyFor('http://a/', { ...env, no_proxy: '*' })).toBeUndefined();
  });

  it('filters: methods, writes, allow/deny, header match, sampling, body size; counted', () => {
    const counts = { filtered: 0 };
    const xs = [
      recorded(0, 0, { method: 'GET', target: '/api/a' }),
      recorded(1, 0, { method: 'POST', target: '/api/b', body: 'x'.repeat(100) }),
      recorded(2, 0, { method: 'GET', target: '/admin', headers: [{ name: 'X-Team', value: 'blue' }] }),
    ];
    const keep = (o: Parameters<typeof exchangeFilter>[0]) => xs.filter(exchangeFilter(o, counts)!).map((x) => x.id);
    expect(keep({ noWrites: true })).toEqual(['r0', 'r2']);
    expect(keep({ allow: ['^/api'], deny: ['/b$'] })).toEqual(['r0']);
    expect(keep({ headerMatch: ['x-team: ^bl'] })).toEqual(['r2']);
    expect(keep({ maxBodyBytes: 10 })).toEqual(['r0', 'r2']);
    expect(keep({ methods: ['post'] })).toEqual(['r1']);
    expect(counts.filtered).toBe(1 + 2 + 2 + 1 + 2);
    const many = Array.from({ length: 2000 }, (_, i) => recorded(i, 0));
    const sampled = many.filter(exchangeFilter({ samplePercent: 25 })!).length;
    expect(sampled).toBeGreaterThan(400);
    expect(sampled).toBeLessThan(600);
  });
});
