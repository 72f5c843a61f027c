/**
 * A pure function of a string, remembered by its argument: redaction hashes the same tokens and
 * cookies on every request of a session, and an HMAC (or a header value split, hashed and joined again)
 * costs far more than a lookup. Only for functions whose answer depends on the argument alone (and on
 * what they were built with, such as the process's key).
 *
 * Bounded: arguments up to `maxChars` (longer ones are computed every time: a long body must not pin
 * memory), in two generations of `entries` (the older dropped whole when the newer is full; an argument
 * still in use is copied forward when it is asked for again).
 */
export function memoised(fn: (v: string) => string, maxChars: number, entries: number): (v: string) => string {
  let young = new Map<string, string>();
  let old = new Map<string, string>();
  return (v) => {
    if (v.length > maxChars) return fn(v);
    let out = young.get(v);
    if (out !== undefined) return out;
    out = old.get(v) ?? fn(v);
    if (young.size >= entries) {
      old = young;
      young = new Map();
    }
    young.set(v, out);
    return out;
  };
}
