import { Buffer } from 'node:buffer';

/**
 * application/x-www-form-urlencoded text → its pairs, as the WHATWG URL standard parses them.
 *
 * Node's `URLSearchParams(string)` (20 and 22) mangles non-ASCII text next to an invalid escape:
 * `b=1/😀?%aa` gives `1/=\u0000?�` instead of `1/😀?�`. The standard parses bytes (UTF-8, then
 * percent-decoding), so percent-encoding the UTF-8 of every non-ASCII run first gives the same pairs
 * and never reaches the bug. ASCII text, the common case, goes straight through.
 */
export function formParams(text: string): URLSearchParams {
  // eslint-disable-next-line no-control-regex
  return new URLSearchParams(/[^\x00-\x7f]/.test(text) ? text.replace(/[^\x00-\x7f]+/g, percentEncoded) : text);
}

/** Lone surrogates become U+FFFD's bytes, as the standard's UTF-8 encode does. */
function percentEncoded(run: string): string {
  let out = '';
  for (const b of Buffer.from(run, 'utf8')) out += `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  return out;
}
