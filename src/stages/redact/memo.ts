/**
 * A pure function of a string, remembered by its argument: redaction decides the same header names and
 * hashes the same tokens and cookies on every request of a session, and a regular expression, an HMAC
 * (or a header value split, hashed and joined again) costs far more than a lookup. Only for functions
 * whose answer depends on the argument alone (and on what they were built with, such as the key).
 *
 * Bounded: arguments up to `maxChars` (longer ones are computed every time: a long body must not pin
 * memory), in two generations of `entries` (the older dropped whole when the newer is full; an argument
 * still in use is copied forward when it is asked for again). The last argument is checked first: a run
 * of the same value costs no hashing.
 *
 * A memo that stops finding stops looking: where every request brings new values (a session cookie or
 * a token per user, measured at 100% misses on varied traffic) the lookups and insertions are pure cost,
 * so after a window of `WINDOW` lookups with fewer than one hit in `MIN_HIT_IN`, the next `REST` calls
 * compute without looking; then it looks again.
 */
export function memoised<T>(fn: (v: string) => T, maxChars: number, entries: number): (v: string) => T {
  let young = new Map<string, T>();
  let old = new Map<string, T>();
  let last: string | undefined;
  let lastOut: T | undefined;
  let looked = 0;
  let found = 0;
  let rest = 0;
  return (v) => {
    if (v === last) return lastOut!;
    if (v.length > maxChars) return fn(v);
    if (rest > 0) {
      // Resting skips the maps, not the last value: a run of one value still costs no hashing.
      rest--;
      last = v;
      lastOut = fn(v);
      return lastOut;
    }
    let out = young.get(v);
    if (out === undefined) {
      out = old.get(v);
      if (out === undefined) out = fn(v);
      else found++;
      if (young.size >= entries) {
        old = young;
        young = new Map();
      }
      young.set(v, out);
    } else found++;
    if (++looked === WINDOW) {
      if (found * MIN_HIT_IN < WINDOW) rest = REST;
      looked = found = 0;
    }
    last = v;
    lastOut = out;
    return out;
  };
}

const WINDOW = 256;
const MIN_HIT_IN = 4;
const REST = 4096;
