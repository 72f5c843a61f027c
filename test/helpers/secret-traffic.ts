import http from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { listenLoopback } from './listen.js';
import { openExchanges } from '../../src/io/open.js';
import { headerValue } from '../../src/exchange.js';
import { bodyBytes } from '../../src/body.js';

/**
 * Traffic full of secrets in every form redaction must catch. Each secret is a unique word, so finding
 * it anywhere (file, stdout, stderr, log) means it leaked. GZIP_SECRET is inside a gzip body: it is
 * looked for in the decoded bodies (gzipBodies).
 */
export const SECRETS = {
  bareCookie: 'zqBareCookiezq',
  foldedCookie: 'zqFoldTwozq',
  bareSetCookie: 'zqBareSetCookiezq',
  amzToken: 'zqAmzTokenzq',
  authToken: 'zqXAuthTokenzq',
  apiKey: 'zqApiKeyzq',
  csrf: 'zqCsrfzq',
  respAuthToken: 'zqRespAuthTokenzq',
  bearer: 'zqBearerzq',
  semiToken: 'zqSemiTokenzq',
  refresh: 'zqRefreshzq',
  clientSecret: 'zqClientSecretzq',
  referFragment: 'zqReferFragzq',
  locationFragment: 'zqLocFragzq',
  jsession: 'zqJsessionzq',
  jsonPassword: 'zqJsonPasszq',
  jsonNested: 'zqJsonNestedzq',
  jsonArray: 'zqJsonArrayzq',
  formPassword: 'zqFormPasszq',
  multipart: 'zqMultiPasszq',
  oauthAccess: 'zqOAuthAccesszq',
  oauthRefresh: 'zqOAuthRefreshzq',
  oauthId: 'zqOAuthIdzq',
  userinfo: 'zqUserinfozq',
};
export const GZIP_SECRET = 'zqGzipPasszq';
export const ALL = [...Object.values(SECRETS), GZIP_SECRET];

const S = SECRETS;
const boundary = 'zzb0undary';
const multipart = [`--${boundary}`, 'Content-Disposition: form-data; name="user"', '', 'bob', `--${boundary}`, 'Content-Disposition: form-data; name="password"', '', S.multipart, `--${boundary}--`, ''].join('\r\n');

function post(target: string, type: string, body: Buffer | string, extra = ''): Buffer {
  const b = Buffer.from(body);
  return Buffer.concat([Buffer.from(`POST ${target} HTTP/1.1\r\nHost: shop.test\r\nContent-Type: ${type}\r\n${extra}Content-Length: ${b.length}\r\nConnection: close\r\n\r\n`), b]);
}

export function requests(port: number): Buffer[] {
  return [
    Buffer.from(
      `GET /app;jsessionid=${S.jsession}/page?a=1;token=${S.semiToken}&refresh_token=${S.refresh}&client_secret=${S.clientSecret} HTTP/1.1\r\nHost: shop.test\r\n` +
        `Cookie: ${S.bareCookie}\r\nReferer: https://idp.test/cb#access_token=${S.referFragment}&state=1\r\nX-Amz-Security-Token: ${S.amzToken}\r\nX-Auth-Token: ${S.authToken}\r\n` +
        `Api-Key: ${S.apiKey}\r\nX-CSRF-Token: ${S.csrf}\r\nAuthorization: Bearer ${S.bearer}\r\nConnection: close\r\n\r\n`,
    ),
    post('/login', 'application/json', JSON.stringify({ user: 'bob', password: S.jsonPassword, profile: { token: S.jsonNested }, keys: [{ api_key: S.jsonArray }] })),
    post('/form', 'application/x-www-form-urlencoded', `user=bob&password=${S.formPassword}`),
    post('/gzform', 'application/x-www-form-urlencoded', gzipSync(`user=bob&password=${GZIP_SECRET}`), 'Content-Encoding: gzip\r\n'),
    post('/upload', `multipart/form-data; boundary=${boundary}`, multipart),
    post('/oauth/token', 'application/x-www-form-urlencoded', 'grant_type=client_credentials'),
    Buffer.from(`GET http://tuser:${S.userinfo}@127.0.0.1:${port}/abs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
  ];
}

/** The upstream: answers the token request with a token response, the page with secret cookies and a Location fragment. */
export async function startSecretServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/oauth/token') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: S.oauthAccess, token_type: 'Bearer', refresh_token: S.oauthRefresh, id_token: S.oauthId }));
      } else if (req.url?.startsWith('/app')) {
        res.setHeader('Set-Cookie', [`s1=x; Path=/, s2=${S.foldedCookie}; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly`, `${S.bareSetCookie}; Path=/`]);
        res.writeHead(302, { 'X-Auth-Token': S.respAuthToken, Location: `/next#access_token=${S.locationFragment}` }).end('moved');
      } else res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  const port = await listenLoopback(server);
  return { port, close: () => new Promise((r) => server.close(() => r())) };
}

/** Sends each request on a connection of its own and waits for the server to close it. */
export async function sendAll(port: number, reqs: Buffer[]): Promise<void> {
  for (const r of reqs) {
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.end(r));
      s.on('data', () => {});
      s.on('close', () => resolve());
      s.on('error', reject);
      s.setTimeout(10_000, () => s.destroy(new Error('no answer in 10 s')));
    });
  }
}

export function fileText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1');
}

/** The decoded gzip request bodies of an exchange file (.jsonl[.gz], .har, .gor). */
export async function gzipBodies(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const ex of await openExchanges(path)) {
    if (headerValue(ex.request.headers, 'content-encoding') === 'gzip') out.push(gunzipSync(bodyBytes(ex.request.body)).toString());
  }
  return out;
}
