import { Buffer } from 'node:buffer';
import type { Body, Exchange } from '../exchange.js';
import { bodyBytes, makeBody } from '../body.js';
import type { Stage } from './stage.js';

/**
 * Bodies kept to `maxBytes` each (request and response): a longer one is cut and marked `truncated`, its
 * wire `size` kept. Packet and proxy inputs already stop at their own --max-body while parsing (memory);
 * this stage applies a limit to inputs that arrive whole (files).
 */
export function bodyLimit(maxBytes: number): Stage {
  let cut = 0;
  const limit = (b: Body | undefined): Body | undefined => {
    if (!b) return b;
    const kept = b.base64 !== undefined ? Buffer.byteLength(b.base64, 'base64') : Buffer.byteLength(b.text ?? '');
    if (kept <= maxBytes) return b;
    const bytes = bodyBytes(b);
    cut++;
    return { ...makeBody(bytes.subarray(0, maxBytes), b.size, maxBytes), truncated: true };
  };
  return {
    name: 'body-limit',
    apply(batch: Exchange[]): Exchange[] {
      return batch.map((ex) => {
        const q = limit(ex.request.body);
        const r = ex.response && limit(ex.response.body);
        if (q === ex.request.body && r === ex.response?.body) return ex;
        const out: Exchange = { ...ex, request: q ? { ...ex.request, body: q } : ex.request };
        if (ex.response) out.response = r ? { ...ex.response, body: r } : ex.response;
        return out;
      });
    },
    stats: () => ({ truncated: cut }),
  };
}
