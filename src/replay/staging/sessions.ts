import type { Header } from '../../exchange.js';
import type { ObservedResponse, ScheduledRequest } from '../types.js';
import { extractValue, injectValue, type ExtractRule } from './extract.js';
import { bodyBytes } from '../../body.js';
import type { KnownSecrets } from './known-secrets.js';
import { DEFAULT_SESSION_COOKIES, sessionKeyFunction, sessionSetBy, type SessionKeyOptions } from './session-key.js';

/** What the target gave one recorded session during the replay. */
export interface Session {
  /** Cookies the target set: name → value. */
  cookies: Map<string, string>;
  /** Values extracted by rules: rule index → value. */
  values: Map<number, string>;
  /** Plugins' own per-session state. */
  state: Map<string, unknown>;
  /** Settles when the session's last request so far has finished: its next one is prepared after that. */
  last?: Promise<void>;
}

/** One request's turn in its session: `into` is the session its response feeds; `done` ends the turn. */
export interface Turn {
  session: Session;
  into: Session;
  /** The previous request of the session, when it has not finished yet (waited for at most SESSION_WAIT_MS). */
  after?: Promise<void>;
  done: () => void;
}

/** A session's next request waits this long at most for the one before (a lost response must not stall it). */
const SESSION_WAIT_MS = 10_000;

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

  /** Set by the run's stage: what the target hands out, and the recorded values it replaces, stay out of reports. */
  secrets: KnownSecrets | undefined;

  constructor(o: SessionKeyOptions, private readonly rules: readonly ExtractRule[]) {
    this.keyOf = sessionKeyFunction(o);
    this.names = new Set((o.cookies ?? DEFAULT_SESSION_COOKIES).map((n) => n.toLowerCase()));
  }

  /**
   * A request takes its turn in its recorded session: it is prepared once the session's previous request
   * has finished (what that answered, a cookie or a CSRF token, is what this one needs). A request whose
   * recorded response set the session cookie (a login) also opens the session its later requests name.
   */
  turn(req: ScheduledRequest): Turn {
    const key = this.keyOf(req);
    let s = this.sessions.get(key);
    if (!s) this.remember(key, (s = fresh()));
    const prev = s.last;
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    s.last = mine;
    let into = s;
    const sid = req.recorded?.response && sessionSetBy(req.recorded.response.headers, this.names);
    if (sid !== undefined) this.remember(`${req.recorded?.connection?.clientIp ?? ''}|${sid}`, (into = { ...fresh(), last: mine }));
    const session = s;
    const end = (): void => {
      done();
      for (const x of [session, into]) if (x.last === mine) delete x.last;
    };
    return { session: s, into, done: end, ...(prev ? { after: bounded(prev) } : {}) };
  }

  /** The request as the session's later requests go: the target's cookies, extracted values. */
  prepare(req: ScheduledRequest, s: Session): ScheduledRequest {
    let out = s.cookies.size ? { ...req, headers: withCookies(req.headers, s.cookies) } : req;
    for (const [i, v] of s.values) out = injectValue(this.rules[i]!, out, v);
    return out;
  }

  /** Reads what the target answered into the session (or into the one a recorded login opened, which starts from its own). */
  observe(req: ScheduledRequest, t: Turn, res: ObservedResponse): void {
    const into = t.into;
    if (into !== t.session) {
      for (const [k, v] of t.session.cookies) if (!into.cookies.has(k)) into.cookies.set(k, v);
      for (const [k, v] of t.session.values) if (!into.values.has(k)) into.values.set(k, v);
      for (const [k, v] of t.session.state) if (!into.state.has(k)) into.state.set(k, v);
    }
    for (const h of res.headers) if (h.name.toLowerCase() === 'set-cookie') this.secrets?.add(setCookie(into.cookies, h.value) ?? '');
    const rec = req.recorded?.response;
    const recorded: ObservedResponse | undefined = rec?.body && !rec.body.truncated ? { status: rec.status, headers: rec.headers, body: bodyBytes(rec.body) } : undefined;
    this.rules.forEach((r, i) => {
      const v = extractValue(r, res);
      if (v === undefined) return;
      into.values.set(i, v);
      this.secrets?.add(v);
      const was = recorded && extractValue(r, recorded);
      if (was) this.secrets?.add(was);
    });
  }

  private remember(key: string, s: Session): void {
    this.sessions.delete(key);
    this.sessions.set(key, s);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
  }
}

/** Stores one Set-Cookie in the jar; the value it set. */
function fresh(): Session {
  return { cookies: new Map(), values: new Map(), state: new Map() };
}

function bounded(p: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, SESSION_WAIT_MS)))]).finally(() => clearTimeout(timer));
}

function setCookie(jar: Map<string, string>, v: string): string | undefined {
  const [pair, ...attrs] = v.split(';');
  const eq = pair!.indexOf('=');
  if (eq <= 0) return undefined;
  const name = pair!.slice(0, eq).trim();
  const value = pair!.slice(eq + 1).trim();
  const gone = value === '' || attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
  if (gone) return void jar.delete(name);
  jar.set(name, value);
  return value;
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
