/*
 * What writeHarEntry (har-line.ts) writes into: a JsonSink, and the pieces of text it reuses, encoded
 * once. Fixed text (keys with their punctuation) and records that repeat (a flow's connection, the
 * capture's source, header lines) are copied whole instead of written a character at a time.
 */

/** JSON text known ahead, with its UTF-8 bytes. */
export interface Piece {
  readonly text: string;
  readonly bytes: Uint8Array;
}

export const piece = (text: string): Piece => ({ text, bytes: Buffer.from(text, 'utf8') });

/** Where writeHarEntry puts the JSON text of an entry, piece by piece. */
export interface JsonSink {
  /** JSON text, written as it is. */
  raw(json: string): void;
  /** JSON text known ahead. */
  piece(p: Piece): void;
  /** A string value, quoted and escaped exactly as JSON.stringify does. */
  str(value: string): void;
  /** A number as JSON.stringify writes it. */
  num(value: number): void;
}

/** A JsonSink that builds the text as a string. */
export class JsonText implements JsonSink {
  text = '';
  raw(json: string): void {
    this.text += json;
  }
  piece(p: Piece): void {
    this.text += p.text;
  }
  str(value: string): void {
    this.text += JSON.stringify(value);
  }
  num(value: number): void {
    this.text += Number.isFinite(value) ? JSON.stringify(value) : 'null';
  }
}

export function textOf<T>(write: (o: JsonSink, v: T) => void, v: T): string {
  const sink = new JsonText();
  write(sink, v);
  return sink.text;
}

export const json = (v: unknown): string => JSON.stringify(v) ?? 'null';

/** A flat record (timing, connection, source, a header) as JSON.stringify writes it; others through JSON.stringify. */
export function flat(o: JsonSink, v: unknown): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return o.raw(json(v));
  const rec = v as Record<string, unknown>;
  let sep = '{';
  for (const k in rec) {
    if (!Object.hasOwn(rec, k)) continue;
    const x = rec[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    o.raw(sep);
    sep = ',';
    o.str(k);
    o.raw(':');
    if (typeof x === 'number') o.num(x);
    else if (typeof x === 'string') o.str(x);
    else o.raw(json(x));
  }
  o.raw(sep === '{' ? '{}' : '}');
}

/**
 * The JSON text of records that recur as the same object (a flow's connection, a capture's source),
 * made once per object. Objects are not changed once they reach a writer. Where objects do not recur
 * (exchanges read from a file), caching stops paying: it is skipped while misses far outnumber hits,
 * and the counts decay so a change of traffic is noticed.
 */
export class PieceCache<K extends object> {
  private readonly map = new WeakMap<K, Piece>();
  private hits = 0;
  private misses = 0;
  private seen = 0;
  constructor(private readonly write: (o: JsonSink, k: K) => void) {}

  /** Writes k's text, from the cache when it holds it. */
  put(o: JsonSink, k: K): void {
    if (++this.seen === 1024) {
      this.seen = 0;
      this.hits >>= 1;
      this.misses >>= 1;
    }
    let p = this.map.get(k);
    if (p !== undefined) this.hits++;
    else if (this.misses <= 64 + 4 * this.hits) {
      this.misses++;
      p = piece(textOf(this.write, k));
      this.map.set(k, p);
    } else return this.write(o, k);
    o.piece(p);
  }
}
