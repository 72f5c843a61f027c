/**
 * Which names are secret: header names, and the names of fields (query, form, JSON, multipart, URL path
 * parameters). Each list is of case-insensitive globs (`*` any run of characters), so a policy can say
 * `*-token` once instead of listing every vendor's header.
 */

/** Credential-looking header names. */
export const DEFAULT_HEADER_NAMES = [
  'authorization',
  'proxy-authorization',
  'authentication-info',
  'proxy-authentication-info',
  'cookie',
  'set-cookie',
  'set-cookie2',
  'token',
  '*-token', // X-Auth-Token, X-CSRF-Token, X-XSRF-Token, X-Amz-Security-Token, X-Goog-Iap-Jwt-Assertion is below
  '*-jwt*',
  '*secret',
  'api-key',
  'apikey',
  '*-api-key',
  '*-apikey',
  '*-access-key',
  '*-secret-key',
  '*-private-key',
  '*-subscription-key',
  '*-functions-key',
  '*password',
  '*-session',
  '*-session-id',
  '*-sessionid',
  '*-signature',
  '*-credential',
  '*-credentials',
  'x-auth-*',
];

/** Names of secret fields wherever a name=value pair is recorded: query, form, JSON, multipart, path parameters. */
export const DEFAULT_FIELD_NAMES = [
  '*password*',
  '*passwd*',
  'pwd',
  'pass',
  'passphrase',
  '*secret*',
  '*token', // token, access_token, refresh_token, id_token, csrf_token, accessToken, X-Amz-Security-Token
  '*api_key',
  '*api-key',
  '*apikey',
  '*access_key',
  'private_key',
  'privatekey',
  '*signature',
  'x-amz-credential',
  'jsessionid',
  'phpsessid',
  'aspsessionid*',
  'sessionid',
  'session_id',
  'sid',
  'auth',
  'authorization',
  'credential',
  'credentials',
  'assertion',
  'client_assertion',
  'code_verifier',
  'otp',
];

/** Decisions cached per spelling: header names repeat across millions of exchanges. */
const CACHE_MAX = 4096;

/** A test for `name` against case-insensitive globs, cached by exact spelling. */
export function nameMatcher(globs: readonly string[]): (name: string) => boolean {
  if (globs.length === 0) return () => false;
  const source = globs.map((g) => g.toLowerCase().split('*').map(escape).join('.*')).join('|');
  const re = new RegExp(`^(?:${source})$`, 'i');
  const cache = new Map<string, boolean>();
  return (name) => {
    let hit = cache.get(name);
    if (hit === undefined) {
      hit = re.test(name);
      if (cache.size < CACHE_MAX) cache.set(name, hit);
    }
    return hit;
  };
}

function escape(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
}
