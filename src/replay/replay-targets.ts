import { InputError } from '../errors.js';
import type { TargetOptions } from './types.js';
import type { ReplayArgs } from './replay-args.js';
import { envProxyFor } from './dispatch/proxy-env.js';

/** The targets of a replay from its arguments: --target URLs, or --primary/--secondary/--candidate (noise mode). */
export function targetsOf(a: ReplayArgs): { targets: TargetOptions[]; noise: boolean } {
  const trio = [a.primary, a.secondary, a.candidate];
  const noise = trio.some((u) => u !== undefined);
  if (noise && trio.some((u) => u === undefined)) throw new InputError('--primary, --secondary and --candidate go together (noise mode needs all three)');
  if (noise && a.target?.length) throw new InputError('use either --target or --primary/--secondary/--candidate, not both');
  const urls = noise ? (trio as string[]) : (a.target ?? []);
  if (!urls.length) throw new InputError('name at least one --target URL');
  const connectTimeoutMs = a['connect-timeout'];
  const timeoutMs = a.timeout;
  const targets = urls.map((url): TargetOptions => {
    if (!/^https?:\/\//i.test(url)) throw new InputError(`--target ${url}: expected an http:// or https:// URL`);
    unusedParts(url);
    const proxy = a.proxy ?? (a['env-proxy'] ? envProxyFor(url) : undefined);
    return {
      url,
      ...(proxy ? { proxy } : {}),
      connections: a.connections,
      pipelining: a.pipelining,
      connectTimeoutMs,
      headersTimeoutMs: timeoutMs,
      bodyTimeoutMs: timeoutMs,
      ...(a['max-in-flight'] ? { maxInFlight: a['max-in-flight'] } : {}),
      maxQueue: a['max-queue'],
      preserveHost: a['preserve-host'],
      insecure: a.insecure,
      ...(a.ca ? { ca: a.ca } : {}),
      ...(a['tag-header'] ? { tagHeader: a['tag-header'] } : {}),
    };
  });
  return { targets, noise };
}

/**
 * A target URL gives the origin and a path prefix; each request keeps its recorded query, and credentials
 * in the URL were never sent. Both were dropped without a word: refused, saying what to use instead.
 */
function unusedParts(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`--target ${url}: not a URL`);
  }
  if (u.username || u.password) {
    u.username = u.password = '';
    throw new InputError(`--target ${u.href}: credentials in a target URL are not sent; give them with --set-header 'Authorization: Basic …' or a --staging file's credentials`);
  }
  if (u.search || u.hash) throw new InputError(`--target ${url}: a query or fragment in a target URL is not used (each request keeps its recorded query); change queries with --rewrite-url`);
}
