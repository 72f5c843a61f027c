import { InputError } from '../errors.js';
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
  return { name: s.slice(0, i).trim(), value: s.slice(i + 1).trim() };
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
