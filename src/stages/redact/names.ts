/**
 * Which names are secret: header names, and the names of fields (query, form, JSON, multipart, URL path
 * parameters). Each list is of case-insensitive globs (`*` any run of characters; `-` and `_` stand for
 * each other, as proxies and frameworks rewrite one into the other), so a policy can say `*-token` once
 * instead of listing every vendor's header.
 */
import { memoised } from './memo.js';

/** Credential-looking header names. */
export const DEFAULT_HEADER_NAMES = [
  'authorization',
  'proxy-authorization',
  'authentication-info',
  'proxy-authentication-info',
  'cookie',
  'set-cookie',
  'set-cookie2',
  'cookie2',
  '*authorization', // X-Authorization, X-Forwarded-Authorization
  '*token', // X-Auth-Token, X-CSRF-Token, Django's X-CSRFToken, X-Amz-Security-Token; X-Goog-Iap-Jwt-Assertion is below
  '*-jwt*',
  '*secret*', // X-Client-Secret, Secret-Key, X-Secret-Value
  'api-key',
  'apikey',
  '*-api-key',
  '*-apikey',
  '*-access-key',
  '*-private-key',
  '*-subscription-key',
  '*-functions-key',
  '*password',
  '*-pass',
  '*-pwd',
  '*-session',
  '*-session-id',
  '*-sessionid',
  '*-session-key',
  '*-signature*', // X-Hub-Signature-256
  '*-credential',
  '*-credentials',
  'x-auth',
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
  'sig', // Azure shared access signatures
  'x-amz-credential',
  'samlresponse', // a signed SAML assertion is a bearer credential
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
  'otp*',
  'mfa_code',
  'pin',
];

/** Decisions cached per spelling: header names repeat across millions of exchanges. */
const CACHE_MAX = 4096;

/** A test for `name` against case-insensitive globs, cached by exact spelling. */
export function nameMatcher(globs: readonly string[]): (name: string) => boolean {
  const re = globsRegExp(globs);
  return cached((name) => re.test(name));
}

export function globsRegExp(globs: readonly string[]): RegExp {
  if (globs.length === 0) return /$^/;
  return new RegExp(`^(?:${globs.map((g) => g.toLowerCase().split('*').map(literal).join('.*')).join('|')})$`, 'i');
}

/**
 * A quick test that a text may hold a matching name: the longest literal piece of every glob. Undefined
 * when a glob has no literal piece (`*`): then every text may.
 */
export function hintRegExp(globs: readonly string[]): RegExp | undefined {
  const pieces: string[] = [];
  for (const g of globs) {
    const longest = g.toLowerCase().split('*').reduce((a, b) => (b.length > a.length ? b : a), '');
    if (longest === '') return undefined;
    pieces.push(literal(longest));
  }
  return new RegExp(pieces.join('|'), 'i');
}

/** `fn` remembered per argument (memo.ts: up to 2 × CACHE_MAX of them, the last checked first). */
export function cached<T>(fn: (s: string) => T): (s: string) => T {
  return memoised(fn, Infinity, CACHE_MAX);
}

/** A glob's literal piece as a pattern: escaped, with `-` and `_` each matching either. */
function literal(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/[-_]/g, '[-_]');
}
