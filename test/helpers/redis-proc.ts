import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { createClient } from '@redis/client';
import { until } from './agent-run.js';

/** A free port on 127.0.0.1 (closed again: redis-server binds it next). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Debian's redis-server on 127.0.0.1, no persistence; `stop()` kills it. Resolves once it accepts connections. */
export async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  for await (const line of lines) if (/Ready to accept connections/.test(line)) break;
  clearTimeout(timer);
  child.stdout!.resume();
  if (child.exitCode !== null) throw new Error('redis-server did not start');
  const exited = new Promise((r) => child.once('exit', r));
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Resolves once `count` clients of the redis at `url` are blocked waiting for a job (BLPOP): a
 * started worker is then really waiting, however long this loaded machine took to start it. Redis
 * has no event for that, so CLIENT LIST is read every 20 ms, for at most `timeoutMs`.
 */
export async function waitForBlockedClients(url: string, count: number, timeoutMs = 30_000): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    const blocked = async () => ((await client.sendCommand(['CLIENT', 'LIST'])) as string).split('\n').filter((l) => /\bcmd=blpop\b/.test(l)).length >= count;
    if (await until(blocked, timeoutMs, 20)) return;
    throw new Error(`fewer than ${count} redis clients blocked in BLPOP within ${timeoutMs} ms`);
  } finally {
    await client.quit();
  }
}
