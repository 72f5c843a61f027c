import { piece, type JsonSink } from './json-pieces.js';

/*
 * HAR's queryString: the pairs WHATWG URL's `new URL(url).searchParams` gives (none when the URL does not
 * parse), written straight into the sink. Parsing each exchange's URL and stringifying the pairs was a
 * quarter of a varied capture's serialisation, so a URL of the usual form is not parsed:
 * - whether it parses depends only on its scheme and authority (path, query and fragment never fail),
 *   so that answer is kept per scheme+authority, asked of URL.canParse once;
 * - its query is then the text between the first '?' and the first '#', as the parser splits it; of ASCII
 *   text the parser percent-encodes only what searchParams' decoding gives back, so the pairs are
 *   URLSearchParams' of the raw text (the platform's splitter and decoder, not one of ours: a hand
 *   split of undecoded queries saved ~0.4 µs per query and would have to mirror it).
 * Any other URL (tab or newline anywhere, space or control at its end, slashes or a backslash after
 * "//", an empty authority, a query that is not ASCII) goes through `new URL`, which strips or rewrites
 * those before splitting.
 */

/** scheme://authority, the authority up to the first '/', '?', '#' (a '\' there: the parser's business). */
const USUAL = /^[a-z][a-z0-9+.-]*:\/\/[^/\\?#]+/i;
const STRIPPED = /[\t\n\r]/;
const NOT_ASCII = /[^\0-\x7f]/;

// Whether scheme+authority parses, by that text; bounded (emptied when full): captures name few hosts.
const parsing = new Map<string, boolean>();
const PARSING_MAX = 256;
// What ends an authority in a usual URL: '/', '?', '#', its end (NaN). No origin yet is '\0', which no usual URL starts with.
const endsAuthority = (c: number): boolean => c === 0x2f || c === 0x3f || c === 0x23 || c !== c;
let last = { origin: '\0', parses: false };

const NAME = piece('{"name":');
const VALUE = piece(',"value":');
const NONE = piece('[]');

/** The query's pairs as HAR's queryString array. */
export function writeQueryString(o: JsonSink, url: string): void {
  const q = url.indexOf('?');
  if (q < 0) return o.piece(NONE);
  if (url.charCodeAt(url.length - 1) <= 0x20 || STRIPPED.test(url)) return writeParsed(o, url);
  const parses = originParses(url);
  if (parses === undefined) return writeParsed(o, url);
  if (!parses) return o.piece(NONE);
  const hash = url.indexOf('#');
  if (hash >= 0 && hash < q) return o.piece(NONE);
  const query = url.slice(q + 1, hash < 0 ? url.length : hash);
  // Node's URLSearchParams(string) mangles non-ASCII next to escapes, which new URL has percent-encoded
  // first; its leading '?' is dropped, hence the one put before the query.
  if (NOT_ASCII.test(query)) return writeParsed(o, url);
  writePairs(o, new URLSearchParams(`?${query}`));
}

/** Whether a usual URL parses; undefined for another URL. */
function originParses(url: string): boolean | undefined {
  // Most URLs are the last one's origin again: a comparison instead of the expression and a lookup.
  if (url.startsWith(last.origin) && endsAuthority(url.charCodeAt(last.origin.length))) return last.parses;
  const m = USUAL.exec(url);
  if (m === null || url.charCodeAt(m[0].length) === 0x5c) return undefined;
  const origin = m[0];
  let ok = parsing.get(origin);
  if (ok === undefined) {
    if (parsing.size >= PARSING_MAX) parsing.clear();
    ok = URL.canParse(url);
    parsing.set(origin, ok);
  }
  last = { origin, parses: ok };
  return ok;
}

function writeParsed(o: JsonSink, url: string): void {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return o.piece(NONE);
  }
  writePairs(o, params);
}

// writePairs' sink and count, for its one callback: forEach with it allocates no iterator and no [name, value] per pair.
let into: JsonSink | undefined;
let pairs = 0;
function pair(value: string, name: string): void {
  const o = into!;
  o.raw(pairs++ ? ',' : '[');
  o.piece(NAME);
  o.str(name);
  o.piece(VALUE);
  o.str(value);
  o.raw('}');
}

function writePairs(o: JsonSink, params: URLSearchParams): void {
  into = o;
  pairs = 0;
  try {
    params.forEach(pair);
  } finally {
    into = undefined;
  }
  o.raw(pairs ? ']' : '[]');
}
