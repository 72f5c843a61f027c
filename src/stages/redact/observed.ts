import type { Header } from '../../exchange.js';
import { bodyBytes, makeBody } from '../../body.js';
import { createMessageRedactor, type RedactPolicy } from './index.js';
import { mayHaveFields } from './body.js';

interface Observed {
  status: number;
  headers: Header[];
  body: Uint8Array;
}

/**
 * The same stage for responses a replay target sends back: differences are reported with example
 * values, and a live target answers a token request with a live token. With the key the capture was
 * redacted with (SHADOWTAP_REDACT_KEY), equal secrets still compare equal. Only the response's rule
 * runs: no exchange is built around each answer.
 */
export function createResponseRedactor<T extends Observed>(policy: RedactPolicy): (r: T) => T {
  if (!policy.enabled) return (r) => r;
  const redact = createMessageRedactor(policy);
  return (r) => {
    // The body's text is made only when it may have fields: most answers are passed by their type or first byte.
    const body = mayHaveFields(r.headers, r.body) ? makeBody(r.body) : undefined;
    const out = redact(r.headers, body);
    if (!out) return r;
    return { ...r, headers: out.headers, body: out.body ? bodyBytes(out.body) : r.body };
  };
}
