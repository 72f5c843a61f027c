import type { ScheduledRequest } from '../replay/types.js';
import type { RequestSpec } from './spec.js';

/** The golden-ratio sequence: evenly spread, deterministic, so A and B get the same requests in the same order. */
const PHI = 0.6180339887498949;

export type MakeRequest = (i: number) => Omit<ScheduledRequest, 'intendedUs'>;

/** Request i of a weighted mix: weights hold exactly over any long stretch, with no randomness between runs. */
export function requestMix(requests: readonly RequestSpec[], idPrefix = 'r'): MakeRequest {
  if (requests.length === 0) throw new RangeError('a request mix needs at least one request');
  const total = requests.reduce((s, r) => s + r.weight, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const r of requests) cumulative.push((acc += r.weight / total));
  return (i) => {
    const u = (i * PHI) % 1;
    let k = cumulative.findIndex((c) => u < c);
    if (k < 0) k = requests.length - 1;
    const r = requests[k]!;
    return { id: `${idPrefix}${i}`, method: r.method, target: r.path, headers: r.headers, body: r.body, endpoint: r.endpoint };
  };
}
