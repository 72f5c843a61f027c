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
 */
export function memoised<T>(fn: (v: string) => T, maxChars: number, entries: number): (v: string) => T {
  let young = new Map<string, T>();
  let old = new Map<string, T>();
  let last: string | undefined;
  let lastOut: T | undefined;
  return (v) => {
    if (v === last) return lastOut!;
    if (v.length > maxChars) return fn(v);
    let out = young.get(v);
    if (out === undefined) {
      out = old.get(v) ?? fn(v);
      if (young.size >= entries) {
        old = young;
        young = new Map();
      }
      young.set(v, out);
    }
    last = v;
    lastOut = out;
    return out;
  };
}
