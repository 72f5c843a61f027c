/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY as curl and most tools read them (lower case wins, as in curl).
 * Resolved per target here rather than by undici's EnvHttpProxyAgent so that each target gets its
 * own pool and a failure through the proxy can be classified as a proxy error.
 */
export function envProxyFor(targetUrl: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = new URL(targetUrl);
  const proxy = url.protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY) : (env.http_proxy ?? env.HTTP_PROXY);
  if (!proxy) return undefined;
  return bypassed(url, env.no_proxy ?? env.NO_PROXY ?? '') ? undefined : proxy;
}

function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\](?=:|$)/g, ''))!;
    const name = m[1]!.replace(/^\*?\./, '.');
    if (m[2] && m[2] !== port) continue;
    if (name.startsWith('.') ? host.endsWith(name) || host === name.slice(1) : host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}
