import { Buffer } from 'node:buffer';
import type { Header } from '../../exchange.js';
import { formParams } from '../../form-urlencoded.js';
import { headerValueOf } from '../../exchange.js';
import type { ObservedResponse, ScheduledRequest } from '../types.js';

/** `from`: where a value is read in a response; `to`: where it is put in later requests of the session. */
export interface ExtractRule {
  from: string;
  to: string;
}

/** The value a rule takes from a response, or undefined when the response has none. */
export function extractValue(rule: ExtractRule, res: ObservedResponse): string | undefined {
  const [kind, name] = split(rule.from);
  if (kind === 'header') return headerValueOf(res.headers, name.toLowerCase());
  const text = Buffer.from(res.body.buffer, res.body.byteOffset, res.body.byteLength).toString('utf8');
  if (kind === 'json') {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return undefined;
    }
    for (const k of name.replace(/^\$\.?/, '').split('.').filter(Boolean)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  }
  return htmlInput(text, name);
}

/** `<input name="csrf_token" value="…">`, attributes in either order. */
function htmlInput(html: string, name: string): string | undefined {
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    if (attr(tag, 'name') === name) return unescapeHtml(attr(tag, 'value') ?? '');
  }
  return undefined;
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function unescapeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The request with an extracted value put where the rule says (a header, a urlencoded form field, a top-level JSON field). */
export function injectValue(rule: ExtractRule, req: ScheduledRequest, value: string): ScheduledRequest {
  const [kind, name] = split(rule.to);
  if (kind === 'header') return { ...req, headers: [...req.headers.filter((h) => h.name.toLowerCase() !== name.toLowerCase()), { name, value }] };
  if (!req.body?.length) return req;
  const text = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength).toString('utf8');
  if (kind === 'form') {
    if (!/x-www-form-urlencoded/i.test(contentType(req.headers))) return req;
    const form = formParams(text);
    if (!form.has(name)) return req;
    form.set(name, value);
    return { ...req, body: Buffer.from(form.toString()) };
  }
  try {
    const doc = JSON.parse(text) as unknown;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !(name in doc)) return req;
    return { ...req, body: Buffer.from(JSON.stringify({ ...doc, [name]: value })) };
  } catch {
    return req;
  }
}

function contentType(headers: readonly Header[]): string {
  return headerValueOf(headers, 'content-type') ?? '';
}

function split(spec: string): [string, string] {
  const i = spec.indexOf(':');
  return [spec.slice(0, i), spec.slice(i + 1)];
}
