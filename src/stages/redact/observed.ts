import type { Exchange, Header } from '../../exchange.js';
import { bodyBytes, makeBody } from '../../body.js';
import { createRedactor, type RedactPolicy } from './index.js';
import { mayHaveFields } from './body.js';

interface Observed {
  status: number;
  headers: Header[];
  body: Uint8Array;
}

/**
 * The same stage for responses a replay target sends back: differences are reported with example
 * values, and a live target answers a token request with a live token. With the key the capture was
 * redacted with (SHADOWTAP_REDACT_KEY), equal secrets still compare equal.
 */
export function createResponseRedactor<T extends Observed>(policy: RedactPolicy): (r: T) => T {
  const redact = createRedactor(policy);
  if (!policy.enabled) return (r) => r;
  return (r) => {
    const ex: Exchange = {
      id: '',
      timing: { requestStartUs: 0, requestEndUs: 0 },
      request: { method: 'GET', target: '/', httpVersion: 'HTTP/1.1', headers: [] },
      // The body's text is made only for a type with fields: most answers are passed by their type alone.
      response: { status: r.status, reason: '', httpVersion: 'HTTP/1.1', headers: r.headers, ...(mayHaveFields(r.headers) ? { body: makeBody(r.body) } : {}) },
    };
    const out = redact(ex);
    if (out === ex) return r;
    const res = out.response!;
    return { ...r, headers: res.headers, body: res.body === ex.response!.body ? r.body : bodyBytes(res.body) };
  };
}
