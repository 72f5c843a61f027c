#!/usr/bin/env node
// A small app with the authentication a staging replay meets: POST /login sets a session cookie, a form
// carries a CSRF token, /api/* wants a bearer token (a user's API token, or an OAuth2 client-credentials
// token from POST /oauth/token that expires). Users come from a file, so two instances can have
// different user databases (production and staging).
//   node examples/staging-app/server.mjs --db users.json [--port 0]   → prints its URL on stdout
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';

const { values: args } = parseArgs({ options: { db: { type: 'string' }, port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });
if (!args.db) {
  process.stderr.write('usage: server.mjs --db users.json [--port N]\n');
  process.exit(2);
}
/** { users: [{ name, password, apiToken }], clients: [{ id, secret, refreshToken? }], tokenTtlSeconds } */
const db = JSON.parse(readFileSync(args.db, 'utf8'));
const ttlS = db.tokenTtlSeconds ?? 3600;
const sessions = new Map(); // sid → { user, csrf }
const oauth = new Map(); // access token → expiry (ms)
const stats = { tokensIssued: 0, unauthorized: 0 };

const same = (a, b) => typeof a === 'string' && typeof b === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const token = () => randomBytes(18).toString('base64url');

const app = Fastify();
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body))));

function session(req) {
  const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  return sid ? sessions.get(sid) : undefined;
}
function deny(reply, code) {
  stats.unauthorized++;
  return reply.code(code).send({ error: code === 401 ? 'unauthorized' : 'forbidden' });
}

app.get('/health', async () => ({ ok: true }));
app.post('/login', async (req, reply) => {
  const u = db.users.find((x) => x.name === req.body?.user);
  if (!u || !same(u.password, req.body?.password)) return deny(reply, 401);
  const sid = token();
  sessions.set(sid, { user: u.name, csrf: token() });
  return reply.header('set-cookie', `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`).send({ user: u.name });
});
app.get('/me', async (req, reply) => {
  const s = session(req);
  return s ? { user: s.user } : deny(reply, 401);
});
app.get('/notes/new', async (req, reply) => {
  const s = session(req);
  if (!s) return deny(reply, 401);
  return reply.type('text/html').send(`<form method="post" action="/notes"><input type="hidden" name="csrf_token" value="${s.csrf}"><input name="text"></form>`);
});
app.post('/notes', async (req, reply) => {
  const s = session(req);
  if (!s) return deny(reply, 401);
  if (!same(s.csrf, req.body?.csrf_token)) return deny(reply, 403);
  return reply.code(201).send({ saved: true, user: s.user, text: req.body.text });
});
app.get('/api/items/:id', async (req, reply) => {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const user = bearer && db.users.find((u) => same(u.apiToken, bearer));
  const client = bearer && (oauth.get(bearer) ?? 0) > Date.now();
  if (!user && !client) return deny(reply, 401);
  return { id: req.params.id, name: `item ${req.params.id}`, servedAt: Date.now() };
});
app.post('/oauth/token', async (req, reply) => {
  const [id, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':').map(decodeURIComponent);
  const c = db.clients?.find((x) => x.id === id && same(x.secret, secret));
  const grant = req.body?.grant_type;
  const ok = c && (grant === 'client_credentials' || (grant === 'refresh_token' && same(c.refreshToken, req.body?.refresh_token)));
  if (!ok) return deny(reply, 401);
  const t = token();
  oauth.set(t, Date.now() + ttlS * 1000);
  stats.tokensIssued++;
  return { access_token: t, token_type: 'Bearer', expires_in: ttlS };
});
app.get('/_stats', async () => stats);

await app.listen({ host: args.host, port: Number(args.port) });
const { port } = app.server.address();
process.stdout.write(`http://${args.host}:${port}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
