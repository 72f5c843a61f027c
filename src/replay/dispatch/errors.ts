import type { ErrorClass } from '../types.js';

/** The code of a request the run stopped waiting for at the end of its --drain. */
export const DRAIN_CODE = 'SHADOWTAP_DRAIN';

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|ERR_OSSL_)/;

/** Maps a dispatch error to a stable class; `viaProxy` turns connection-level failures into proxy errors. */
export function classifyError(err: unknown, viaProxy: boolean): ErrorClass {
  const e = err as { code?: string; message?: string; cause?: unknown } | undefined;
  const code = e?.code ?? '';
  const msg = e?.message ?? '';
  if (code === DRAIN_CODE) return 'drain';
  if (/Proxy response|proxy/i.test(msg) && viaProxy) return 'proxy-error';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'headers-timeout';
  if (code === 'UND_ERR_BODY_TIMEOUT') return 'body-timeout';
  if (TLS_CODES.test(code) || /certificate|SSL|TLS/i.test(msg)) return 'tls';
  const connectLevel = code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH';
  // Through a proxy the only connection this client makes is to the proxy itself.
  if (viaProxy && connectLevel) return 'proxy-error';
  if (code === 'ECONNREFUSED') return 'connect-refused';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'connect-timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return viaProxy && /tunnel/i.test(msg) ? 'proxy-error' : 'reset';
  if (e?.cause && e.cause !== err) return classifyError(e.cause, viaProxy);
  return 'other';
}

const MAX_REASON = 120;

/**
 * Why a request failed, in a few words a reader can act on: which side refused, which status a
 * proxy answered (407: credentials; CONNECT 403/502: its ACL or the upstream), which name did not
 * resolve. Only codes, addresses and statuses: never a URL's userinfo.
 */
export function describeError(err: unknown, cls: ErrorClass): string {
  const e = err as { code?: string; message?: string; address?: string; port?: number; hostname?: string; cause?: unknown } | undefined;
  const code = e?.code ?? '';
  const msg = e?.message ?? String(err);
  const where = e?.address ? ` ${e.address}${e.port ? `:${e.port}` : ''}` : '';
  const proxy = cls === 'proxy-error' ? 'proxy ' : '';
  if (cls === 'drain') return msg;
  const connect = /Proxy response \((\d+)\)/.exec(msg);
  if (connect) return connect[1] === '407' ? 'proxy requires authentication: CONNECT answered 407' : `proxy answered CONNECT with status ${connect[1]}`;
  if (/Proxy Authentication Required/i.test(msg)) return 'proxy requires authentication: answered 407';
  if (code === 'ECONNREFUSED') return `${proxy}connection refused${where}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${proxy}host name not resolved (DNS ${code})${e?.hostname ? `: ${e.hostname}` : ''}`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return `${proxy}connect timeout${where}`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${proxy}unreachable (${code})${where}`;
  if (cls === 'proxy-error' && /tunnel/i.test(msg)) return 'proxy closed the tunnel';
  if (e?.cause && e.cause !== err && !code) return describeError(e.cause, cls);
  const text = `${code ? `${code}: ` : ''}${msg}`.replace(/\s+/g, ' ');
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
}
