/**
 * JSON numbers compared by their decimal value, not as doubles: ids like 9007199254740993 (above
 * 2^53) and long decimals stay distinct, and are shown as the response wrote them.
 */

/** A number kept as its JSON literal (only from documents a double would round). */
export class JsonNumber {
  constructor(readonly literal: string) {}
}

/**
 * Up to 15 significant digits a double holds every decimal exactly, so native JSON.parse is exact
 * for a document without a longer digit run; the rare document with one takes the lossless parser.
 */
const LONG_NUMBER = /\d[\d.]{15}/;

export function parseJsonExact(text: string): unknown {
  return LONG_NUMBER.test(text) ? new LosslessParser(text).document() : JSON.parse(text);
}

/** The decimal value of a number as a canonical string: "1.0", "1", "10e-1" → "1e0". */
export function canonicalNumber(v: number | JsonNumber): string {
  const lit = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'null') : v.literal;
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lit);
  if (!m) return lit;
  const digits = (m[2]! + (m[3] ?? '')).replace(/^0+/, '');
  if (digits === '') return '0';
  const exp = BigInt(m[4] ?? '0') - BigInt((m[3] ?? '').length);
  const trimmed = digits.replace(/0+$/, '');
  return `${m[1]}${trimmed}e${exp + BigInt(digits.length - trimmed.length)}`;
}

const MAX_DEPTH = 1000;

/** RFC 8259 JSON, numbers as JsonNumber; throws SyntaxError like JSON.parse. */
class LosslessParser {
  private i = 0;
  constructor(private readonly s: string) {}

  document(): unknown {
    const v = this.value(0);
    this.ws();
    if (this.i < this.s.length) this.fail();
    return v;
  }

  private value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail();
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of WORDS) if (this.s.startsWith(word, this.i)) return ((this.i += word.length), v);
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail();
    this.i = NUMBER.lastIndex;
    return new JsonNumber(m[0]);
  }

  private object(depth: number): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') return (this.i++, o);
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail();
      const k = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') this.fail();
      // defineProperty: a "__proto__" key is data, as JSON.parse keeps it.
      Object.defineProperty(o, k, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return o;
      if (c !== ',') this.fail();
    }
  }

  private array(depth: number): unknown[] {
    const a: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') return (this.i++, a);
    for (;;) {
      a.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return a;
      if (c !== ',') this.fail();
    }
  }

  private string(): string {
    STRING.lastIndex = this.i;
    const m = STRING.exec(this.s);
    if (!m) this.fail();
    this.i = STRING.lastIndex;
    return JSON.parse(m[0]) as string;
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  private fail(): never {
    throw new SyntaxError(`invalid JSON at position ${this.i}`);
  }
}

const WORDS: Array<[string, unknown]> = [['true', true], ['false', false], ['null', null]];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** JSON text of a value with JsonNumbers written as their literal (for example pairs). */
export function stringifyExact(v: unknown): string | undefined {
  if (v instanceof JsonNumber) return v.literal;
  if (Array.isArray(v)) return `[${v.map((x) => stringifyExact(x) ?? 'null').join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const parts = Object.keys(v).flatMap((k) => {
      const s = stringifyExact((v as Record<string, unknown>)[k]);
      return s === undefined ? [] : [`${JSON.stringify(k)}:${s}`];
    });
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v);
}
