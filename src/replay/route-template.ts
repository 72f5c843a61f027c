/**
 * Groups request targets into endpoints for per-endpoint statistics: the query is dropped and path
 * segments that are identifiers (numbers, UUIDs, hex hashes, long opaque tokens) become `{id}`, so
 * `/users/123/orders/9f8e…?x=1` → `/users/{id}/orders/{id}`.
 */
const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{12,}$/i;
/** Long mixed letters+digits (base64url tokens, ULIDs, slugs with ids): at least one digit and one letter. */
const TOKEN = /^(?=.*\d)(?=.*[a-z])[\w.~-]{16,}$/i;

export function isIdSegment(seg: string): boolean {
  // Only a number can be shorter than 12 characters (UUID 36, hex ≥ 12, token ≥ 16): most segments stop here.
  if (seg.length < 12) return NUMERIC.test(seg);
  return NUMERIC.test(seg) || UUID.test(seg) || HEX.test(seg) || TOKEN.test(seg);
}

export function routeTemplate(target: string, method?: string): string {
  let path = target;
  const q = path.search(/[?#]/);
  if (q >= 0) path = path.slice(0, q);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      /* keep as is */
    }
  }
  const templ = path
    .split('/')
    .map((seg) => (seg !== '' && isIdSegment(decodeSafe(seg)) ? '{id}' : seg))
    .join('/');
  return method ? `${method} ${templ || '/'}` : templ || '/';
}

function decodeSafe(seg: string): string {
  if (!seg.includes('%')) return seg;
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}
