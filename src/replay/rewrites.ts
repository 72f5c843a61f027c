import { InputError } from '../errors.js';
import { TCHAR } from '../http1/head.js';
import type { ScheduledRequest } from './types.js';
import { regexOf } from './filters.js';
import { routeTemplate } from './route-template.js';

export interface RewriteOptions {
  /** "Name: value" set on every request (replacing recorded ones). */
  setHeaders?: string[];
  /** Header names removed. */
  removeHeaders?: string[];
  /** "regex=>replacement" applied to the path+query (first match; $1 etc. allowed). */
  rewriteUrl?: string[];
}

export function parseHeaderArg(s: string, flag: string): { name: string; value: string } {
  const i = s.indexOf(':');
  if (i <= 0) throw new InputError(`${flag} ${s}: expected "Name: value"`);
  const name = headerNameArg(s.slice(0, i).trim(), flag);
  const value = s.slice(i + 1).trim();
  // Left to the client, a CR or LF fails every request as a transport error: a usage error shown as the target's.
  if (/[\r\n\0]/.test(value)) throw new InputError(`${flag} ${JSON.stringify(s)}: a header value cannot hold CR, LF or NUL`);
  return { name, value };
}

/** A header name given on the command line: an HTTP token (RFC 9110 §5.6.2), checked before any request is sent. */
export function headerNameArg(name: string, flag: string): string {
  for (let i = 0; i < name.length; i++) {
    if (TCHAR[name.charCodeAt(i)] !== 1) throw new InputError(`${flag} ${JSON.stringify(name)}: not a header name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
  }
  if (!name) throw new InputError(`${flag}: the header name is empty`);
  return name;
}

/** Builds the per-request rewrite (header set/remove, URL rewrite), or undefined when none is asked. */
export function requestRewrite(o: RewriteOptions): ((r: ScheduledRequest) => ScheduledRequest) | undefined {
  const set = (o.setHeaders ?? []).map((s) => parseHeaderArg(s, '--set-header'));
  const remove = new Set([...(o.removeHeaders ?? []), ...set.map((h) => h.name)].map((n) => n.toLowerCase()));
  const urls = (o.rewriteUrl ?? []).map((s) => {
    const i = s.indexOf('=>');
    if (i < 0) throw new InputError(`--rewrite-url ${s}: expected "regex=>replacement"`);
    return { re: regexOf(s.slice(0, i), '--rewrite-url'), to: s.slice(i + 2) };
  });
  if (!set.length && !remove.size && !urls.length) return undefined;
  return (r) => {
    let target = r.target;
    for (const u of urls) target = target.replace(u.re, u.to);
    const headers = [...r.headers.filter((h) => !remove.has(h.name.toLowerCase())), ...set];
    return { ...r, target, headers, endpoint: target === r.target ? r.endpoint : routeTemplate(target, r.method) };
  };
}
