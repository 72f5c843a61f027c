import { Buffer } from 'node:buffer';

/*
 * What writeHarEntry (har-line.ts) writes into: a JsonSink, and the pieces of text it reuses, encoded
 * once. Fixed text (keys with their punctuation) and records that repeat (a flow's connection, the
 * capture's source, header lines) are copied whole instead of written a character at a time.
 */

/**
 * JSON text known ahead, with its UTF-8 bytes, and those bytes eight at a time as doubles (the last 1–7
 * padded with zeros) for a copy of eight bytes per store: with 32-bit words, a word from 2^31 up was no
 * small integer to V8, and copying pieces cost 13% more instructions per line; copying the last 0–7 a
 * byte at a time cost ~1,000 instructions a capture line more than storing the padding (a writer's later
 * bytes overwrite it). Only the bits are copied, never computed with; no eight bytes of valid UTF-8, nor
 * fewer followed by zeros, read as a NaN (whose bits an engine may change): that takes a byte from 0xF0
 * followed by 0x7F or 0xFF, and such a byte is followed by one in 0x80–0xBF.
 */
export interface Piece {
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly quads: Float64Array;
}

export function piece(text: string): Piece {
  const bytes = Buffer.from(text, 'utf8');
  const quads = new Float64Array((bytes.length + 7) >>> 3);
  new Uint8Array(quads.buffer).set(bytes);
  return { text, bytes, quads };
}

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
  /** Math.round(us) / 1000 as JSON.stringify writes it (HAR's milliseconds from µs). */
  ms(us: number): void;
  /** A run: its fixed text with the values between (see Run). */
  run(r: Run, a: Scalar, b?: Scalar, c?: Scalar): void;
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
  ms(us: number): void {
    this.num(Math.round(us) / 1000);
  }
  run(r: Run, a: Scalar, b?: Scalar, c?: Scalar): void {
    writeRun(this, r, a, b, c);
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
  private readonly rate = new HitRate(64, 4);
  constructor(private readonly write: (o: JsonSink, k: K) => void) {}

  // The last object written, and its piece: a capture's source is every exchange's, a flow's connection its run of exchanges'.
  private last: K | undefined;
  private lastPiece: Piece | undefined;

  /** Writes k's text, from the cache when it holds it. */
  put(o: JsonSink, k: K): void {
    if (k === this.last) return o.piece(this.lastPiece!);
    this.rate.tick();
    let p = this.map.get(k);
    if (p !== undefined) this.rate.hit();
    else if (this.rate.worthAMiss()) {
      p = piece(textOf(this.write, k));
      this.map.set(k, p);
    } else return this.write(o, k);
    this.last = k;
    this.lastPiece = p;
    o.piece(p);
  }
}

/**
 * Whether a cache of written text still pays: misses are allowed while they do not far outnumber hits
 * (at most `slack` + `ratio` × hits), and both counts halve every 1,024 lookups so that a change of
 * traffic is noticed. One rule for PieceCache and Run.
 */
class HitRate {
  private hits = 0;
  private misses = 0;
  private seen = 0;
  constructor(
    private readonly slack: number,
    private readonly ratio: number,
  ) {}

  /** One lookup. */
  tick(): void {
    if (++this.seen === 1024) {
      this.seen = 0;
      this.hits >>= 1;
      this.misses >>= 1;
    }
  }

  hit(): void {
    this.hits++;
  }

  /** True (and counted) when a miss may still be cached. */
  worthAMiss(): boolean {
    if (this.misses > this.slack + this.ratio * this.hits) return false;
    this.misses++;
    return true;
  }
}

export type Scalar = string | number;

/** A run seen before: its values and its whole text. */
interface RunText {
  a: Scalar;
  b: Scalar | undefined;
  c: Scalar | undefined;
  piece: Piece;
}
// Texts kept per run: a few methods, statuses, content types alternate in real traffic.
const RUN_TEXTS = 8;

/**
 * Fixed text with up to three values between its parts that mostly repeat from one entry to the next
 * (the method, the status line, the content type). A sink that copies bytes writes a run seen before as
 * one piece instead of a piece and a value each: per-call costs were most of what a line cost. Values
 * that stop repeating are written part by part (HitRate, as in PieceCache).
 */
export class Run {
  readonly parts: readonly Piece[];
  private readonly texts: RunText[] = [];
  private next = 0;
  private readonly rate = new HitRate(16, 2);
  /** texts.length is the number of values plus one. */
  constructor(...texts: string[]) {
    this.parts = texts.map(piece);
  }

  /** The run's whole text for these values, undefined when values are not repeating enough to keep. */
  pieceOf(a: Scalar, b: Scalar | undefined, c: Scalar | undefined): Piece | undefined {
    this.rate.tick();
    const texts = this.texts;
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i]!;
      if (t.a === a && t.b === b && t.c === c) {
        this.rate.hit();
        return t.piece;
      }
    }
    if (!this.rate.worthAMiss()) return undefined;
    const t: RunText = { a, b, c, piece: piece(textOf((o, r: Run) => writeRun(o, r, a, b, c), this)) };
    if (texts.length < RUN_TEXTS) texts.push(t);
    else texts[this.next++ % RUN_TEXTS] = t;
    return t.piece;
  }
}

/** A run part by part: the one definition of its text. */
export function writeRun(o: JsonSink, r: Run, a: Scalar, b: Scalar | undefined, c: Scalar | undefined): void {
  const p = r.parts;
  o.piece(p[0]!);
  value(o, a);
  o.piece(p[1]!);
  if (p.length < 3) return;
  value(o, b!);
  o.piece(p[2]!);
  if (p.length < 4) return;
  value(o, c!);
  o.piece(p[3]!);
}

const value = (o: JsonSink, v: Scalar): void => (typeof v === 'string' ? o.str(v) : o.num(v));
