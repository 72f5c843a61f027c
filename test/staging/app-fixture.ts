import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli } from '../helpers/agent-servers.js';
import { urlProcess } from '../helpers/scenarios-procs.js';

const SERVER = join(import.meta.dirname, '..', '..', 'examples', 'staging-app', 'server.mjs');

/** A fixed, random-looking redaction key: equal secrets hash equal in the capture and in the test. */
export const REDACT_KEY = '9f3c1a7e52b84d06e1f7a2c93b5d8e40';

export interface User {
  name: string;
  password: string;
  apiToken: string;
}

/** A user database: prefix "prod" or "stg" gives each instance its own passwords and tokens. */
export function usersOf(prefix: string): { users: User[]; clients: { id: string; secret: string }[]; tokenTtlSeconds: number } {
  const users = ['alice', 'bob', 'carol'].map((name) => ({ name, password: `${prefix}-${name}-pw-7q2`, apiToken: `${prefix}-${name}-token-x9k` }));
  return { users, clients: [{ id: 'replay', secret: `${prefix}-client-secret-4vz` }], tokenTtlSeconds: 5 };
}

/** examples/staging-app on 127.0.0.1:0 with a user database file; stop() ends it. */
export async function startApp(dir: string, name: string, db: object): Promise<{ url: string; stop(): Promise<void> }> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(db));
  return urlProcess(spawn(process.execPath, [SERVER, '--db', file], { stdio: ['ignore', 'pipe', 'inherit'] }));
}

/** One user's visit: log in, read, fetch the form, post it with its CSRF token, call the bearer API, check health. */
async function visit(base: string, u: User, n: number): Promise<void> {
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 5)); // shapes the recorded timing only
  const login = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `user=${u.name}&password=${u.password}` });
  await login.text();
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  await pause();
  await (await fetch(`${base}/me`, { headers: { cookie } })).text();
  const form = await (await fetch(`${base}/notes/new`, { headers: { cookie } })).text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(form)?.[1] ?? '';
  await pause();
  await (await fetch(`${base}/notes`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf_token=${csrf}&text=note-${n}` })).text();
  for (let i = 0; i < 3; i++) await (await fetch(`${base}/api/items/${n * 10 + i}`, { headers: { authorization: `Bearer ${u.apiToken}` } })).text();
  await (await fetch(`${base}/health`)).text();
}

/** Records `sessions` visits (four at a time) through `shadowtap record` with redaction on; resolves with the capture path. */
export async function recordVisits(dir: string, upstream: string, users: User[], sessions: number): Promise<string> {
  const out = join(dir, 'capture.jsonl');
  const rec = spawnCli(['record', '--listen', '127.0.0.1:0', '--upstream', upstream, '--out', out], { SHADOWTAP_REDACT_KEY: REDACT_KEY });
  const [, url] = (await rec.waitFor(/listening on (http:\/\/\S+)/)) as RegExpMatchArray;
  for (let i = 0; i < sessions; i += 4) await Promise.all([0, 1, 2, 3].filter((k) => i + k < sessions).map((k) => visit(url!, users[(i + k) % users.length]!, i + k)));
  rec.child.kill('SIGINT');
  await rec.exit;
  return out;
}
