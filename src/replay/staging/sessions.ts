import type { Header } from '../../exchange.js';
import type { ObservedResponse, ScheduledRequest } from '../types.js';
import { extractValue, injectValue, type ExtractRule } from './extract.js';
import { DEFAULT_SESSION_COOKIES, sessionKeyFunction, sessionSetBy, type SessionKeyOptions } from './session-key.js';

/** What the target gave one recorded session during the replay. */
export interface Session {
  /** Cookies the target set: name → value. */
  cookies: Map<string, string>;
  /** Values extracted by rules: rule index → value. */
  values: Map<number, string>;
  /** Plugins' own per-session state. */
  state: Map<string, unknown>;
}

/** Sessions kept at most; beyond, the oldest is forgotten (a long replay has many short sessions). */
const MAX_SESSIONS = 100_000;

/**
 * A cookie jar per recorded session. Cookies the target sets replace the recorded ones in the
 * session's later requests; values rules extract are put into them. A response that set the recorded
 * session cookie (a login) starts the session its later requests carry: their recorded cookie names it.
 */
export class SessionJars {
  private readonly keyOf: (req: ScheduledRequest) => string;
  private readonly names: Set<string>;
  private readonly sessions = new Map<string, Session>();

  constructor(o: SessionKeyOptions, private readonly rules: readonly ExtractRule[]) {
    this.keyOf = sessionKeyFunction(o);
    this.names = new Set((o.cookies ?? DEFAULT_SESSION_COOKIES).map((n) => n.toLowerCase()));
  }

  sessionOf(req: ScheduledRequest): Session {
    const key = this.keyOf(req);
    let s = this.sessions.get(key);
    if (!s) this.remember(key, (s = { cookies: new Map(), values: new Map(), state: new Map() }));
    return s;
  }

  /** The request as the session's later requests go: the target's cookies, extracted values. */
  prepare(req: ScheduledRequest, s: Session): ScheduledRequest {
    let out = s.cookies.size ? { ...req, headers: withCookies(req.headers, s.cookies) } : req;
    for (const [i, v] of s.values) out = injectValue(this.rules[i]!, out, v);
    return out;
  }

  /** Reads what the target answered into the session (or into the one a recorded login started). */
  observe(req: ScheduledRequest, s: Session, res: ObservedResponse): void {
    const recordedSid = req.recorded?.response && sessionSetBy(req.recorded.response.headers, this.names);
    let into = s;
    if (recordedSid !== undefined) {
      into = { cookies: new Map(s.cookies), values: new Map(s.values), state: new Map(s.state) };
      this.remember(`${req.recorded?.connection?.clientIp ?? ''}|${recordedSid}`, into);
    }
    for (const h of res.headers) if (h.name.toLowerCase() === 'set-cookie') setCookie(into.cookies, h.value);
    this.rules.forEach((r, i) => {
      const v = extractValue(r, res);
      if (v !== undefined) into.values.set(i, v);
    });
  }

  private remember(key: string, s: Session): void {
    this.sessions.delete(key);
    this.sessions.set(key, s);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
  }
}

function setCookie(jar: Map<string, string>, v: string): void {
  const [pair, ...attrs] = v.split(';');
  const eq = pair!.indexOf('=');
  if (eq <= 0) return;
  const name = pair!.slice(0, eq).trim();
  const value = pair!.slice(eq + 1).trim();
  const gone = value === '' || attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
  if (gone) jar.delete(name);
  else jar.set(name, value);
}

/** Cookie headers with the jar's values in place of recorded ones of the same name, and the jar's others added. */
function withCookies(headers: readonly Header[], jar: ReadonlyMap<string, string>): Header[] {
  const seen = new Set<string>();
  const out = headers.map((h) => {
    if (h.name.toLowerCase() !== 'cookie') return h;
    const value = h.value.split(';').map((c) => {
      const eq = c.indexOf('=');
      const name = eq > 0 ? c.slice(0, eq).trim() : '';
      const v = jar.get(name);
      if (v === undefined) return c.trim();
      seen.add(name);
      return `${name}=${v}`;
    }).join('; ');
    return { name: h.name, value };
  });
  const rest = [...jar].filter(([n]) => !seen.has(n)).map(([n, v]) => `${n}=${v}`);
  if (!rest.length) return out;
  const i = out.findIndex((h) => h.name.toLowerCase() === 'cookie');
  if (i < 0) return [...out, { name: 'cookie', value: rest.join('; ') }];
  out[i] = { name: out[i]!.name, value: `${out[i]!.value}; ${rest.join('; ')}` };
  return out;
}
