import { spawn } from 'node:child_process';
import { request } from 'undici';
import { InvalidRunError } from '../errors.js';

/** Run a user command (argv, no shell); non-zero exit or timeout → InvalidRunError with its output's tail. */
export function runUserCommand(argv: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    if (!cmd) return reject(new InvalidRunError('drain: empty command'));
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let tail = '';
    const keep = (b: Buffer): void => {
      tail = (tail + b.toString('utf8')).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new InvalidRunError(`drain: cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new InvalidRunError(`drain: command ${argv.join(' ')} ${signal ? `killed by ${signal}` : `exited ${code}`}${tail ? `:\n${tail.trim()}` : ''}`));
    });
  });
}

/**
 * Poll a URL until it answers 200, at most `timeoutMs`. undici's `request`, not `fetch`: fetch refuses
 * the WHATWG "bad ports" (6000, 6665-6669, 10080…) without trying, and ELB checks any port. Each check
 * closes its connection and follows no redirect, as ELB's health checks do.
 */
export async function waitForHealth(url: string, timeoutMs: number, signal?: AbortSignal, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const perCheckMs = Math.min(2000, timeoutMs);
  let last = '';
  for (;;) {
    if (signal?.aborted) throw new InvalidRunError(`drain: interrupted while waiting for ${url}`);
    try {
      const res = await request(url, { reset: true, signal: AbortSignal.timeout(perCheckMs) });
      await res.body.dump();
      if (res.statusCode === 200) return;
      last = `HTTP ${res.statusCode}`;
    } catch (err) {
      last = (err as Error).name === 'TimeoutError' ? `no answer within ${perCheckMs} ms` : (err as Error).message;
    }
    if (Date.now() + intervalMs > deadline) throw new InvalidRunError(`drain: ${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
