import type { Header } from '../../exchange.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message: they are not
 * replayed. Content-Length is recomputed by the client from the body actually sent, and Expect is
 * dropped because a replay has the whole body already.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'expect']);

export interface HeaderPlan {
  /** Host header value to send, or undefined to keep the recorded one. */
  readonly host?: string;
  /** Headers set on every request (replacing recorded ones of the same name). */
  readonly set?: Header[];
  /** Tag header name: its value is the request id. */
  readonly tagHeader?: string;
  /** Names the plan sets itself, lower-cased: recorded headers of these names are not sent. */
  readonly replaced: ReadonlySet<string>;
}

/** A target's plan, its replaced names made once (a target sends every request with one plan). */
export function headerPlan(o: { host?: string; set?: Header[]; tagHeader?: string }): HeaderPlan {
  const replaced = new Set((o.set ?? []).map((h) => h.name.toLowerCase()));
  if (o.tagHeader) replaced.add(o.tagHeader.toLowerCase());
  return { ...o, replaced };
}

/** What a recorded header name is to the request sent; names repeat, so each is lower-cased and looked up once. */
const KEEP = 0;
const DROP = 1;
const HOST = 2;
const CONNECTION = 3;
const kinds = new Map<string, number>();
const MAX_KINDS = 1024;

function kindOf(name: string): number {
  let k = kinds.get(name);
  if (k === undefined) {
    const lower = name.toLowerCase();
    k = lower === 'connection' ? CONNECTION : HOP_BY_HOP.has(lower) ? DROP : lower === 'host' ? HOST : KEEP;
    if (kinds.size < MAX_KINDS) kinds.set(name, k);
  }
  return k;
}

/** Each recorded header's kind, reused from request to request: the list is walked twice, the names looked up once. */
const scratch: number[] = [];

/** The recorded headers as a flat [name, value, …] list (order and case kept), ready to send. */
export function outgoingHeaders(recorded: readonly Header[], plan: HeaderPlan, id: string): string[] {
  let named: Set<string> | undefined;
  const kinds = scratch;
  for (let i = 0; i < recorded.length; i++) {
    const h = recorded[i]!;
    const kind = (kinds[i] = kindOf(h.name));
    if (kind === CONNECTION) for (const n of h.value.split(',')) (named ??= new Set()).add(n.trim().toLowerCase());
  }
  const { replaced } = plan;
  // Names listed by Connection or set by the plan are compared lower-cased: only then is each name lowered.
  const byName = named !== undefined || replaced.size > 0;
  const out: string[] = [];
  let hostSeen = false;
  for (let i = 0; i < recorded.length; i++) {
    const h = recorded[i]!;
    const kind = kinds[i];
    if (kind === DROP || kind === CONNECTION) continue;
    if (byName) {
      const lower = h.name.toLowerCase();
      if (named?.has(lower) || replaced.has(lower)) continue;
    }
    if (kind === HOST) {
      if (hostSeen) continue;
      hostSeen = true;
      out.push(h.name, plan.host ?? h.value);
      continue;
    }
    out.push(h.name, h.value);
  }
  if (!hostSeen && plan.host) out.push('host', plan.host);
  for (const h of plan.set ?? []) out.push(h.name, h.value);
  if (plan.tagHeader) out.push(plan.tagHeader, id);
  return out;
}
