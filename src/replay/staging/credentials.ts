import { Buffer } from 'node:buffer';
import type { Header } from '../../exchange.js';
import { headerValueOf } from '../../exchange.js';
import type { ScheduledRequest } from '../types.js';

/** A recorded secret as the redaction stage wrote it, also inside a urlencoded form (`%3A`). */
const TOKEN = /redacted(?::|%3A)([0-9a-f]{16})/gi;
const HINT = 'redacted';

export interface CredentialCounts {
  /** Recorded secrets replaced from the map. */
  mapped: number;
  /** Headers replaced by the default credential. */
  defaulted: number;
  /** Recorded secrets sent as recorded: neither the map nor a default had one. */
  unmapped: number;
}

/**
 * The credential mapping of one target: each recorded `redacted:<hash>` that the map names becomes its
 * staging value wherever it appears (header values, bodies), so different production users become
 * different staging users; a header still holding an unmapped one gets the default for that header.
 */
export class CredentialMap {
  readonly counts: CredentialCounts = { mapped: 0, defaulted: 0, unmapped: 0 };

  constructor(
    private readonly map: ReadonlyMap<string, string>,
    /** lower-case header name → value */
    private readonly defaults: ReadonlyMap<string, string>,
  ) {}

  /** The staging values (scrubbed from comparison examples). */
  values(): string[] {
    return [...this.map.values(), ...this.defaults.values()];
  }

  apply(req: ScheduledRequest): ScheduledRequest {
    let headers: Header[] | undefined;
    for (let i = 0; i < req.headers.length; i++) {
      const h = req.headers[i]!;
      if (!h.value.includes(HINT)) continue;
      let missing = 0;
      let value = h.value.replace(TOKEN, (m, hex: string) => this.lookup(hex) ?? (missing++, m));
      if (missing) {
        const d = this.defaults.get(h.name.toLowerCase());
        if (d === undefined) this.counts.unmapped += missing;
        else {
          value = d;
          this.counts.defaulted++;
        }
      }
      if (value !== h.value) (headers ??= req.headers.slice())[i] = { name: h.name, value };
    }
    const body = this.body(req);
    return headers || body !== req.body ? { ...req, headers: headers ?? req.headers, ...(body ? { body } : {}) } : req;
  }

  private lookup(hex: string): string | undefined {
    const v = this.map.get(`redacted:${hex.toLowerCase()}`);
    if (v !== undefined) this.counts.mapped++;
    return v;
  }

  /** Mapped secrets in a body, written the way the body writes them (urlencoded, JSON string, or as is). */
  private body(req: ScheduledRequest): Uint8Array | undefined {
    const b = req.body;
    if (!b || b.length < 25 || this.map.size === 0 || !Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(HINT)) return b;
    const json = /json/i.test(headerValueOf(req.headers, 'content-type') ?? '');
    const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
    const out = text.replace(TOKEN, (m, hex: string) => {
      const v = this.lookup(hex);
      if (v === undefined) return (this.counts.unmapped++, m);
      if (m.includes('%')) return encodeURIComponent(v);
      return json ? JSON.stringify(v).slice(1, -1) : v;
    });
    return out === text ? b : Buffer.from(out, 'utf8');
  }
}

/** Does the request as sent still carry a recorded secret (so a 401/403 is for lack of a staging credential)? */
export function carriesRecordedSecret(req: ScheduledRequest): boolean {
  if (req.headers.some((h) => h.value.includes(HINT) && /redacted(?::|%3A)[0-9a-f]{16}/i.test(h.value))) return true;
  const b = req.body;
  return !!b && /redacted(?::|%3A)[0-9a-f]{16}/i.test(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'));
}
