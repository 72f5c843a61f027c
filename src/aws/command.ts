import { spawn } from 'node:child_process';
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

/** Poll a URL until it answers 200, at most `timeoutMs`. */
export async function waitForHealth(url: string, timeoutMs: number, signal?: AbortSignal, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (signal?.aborted) throw new InvalidRunError(`drain: interrupted while waiting for ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Math.min(2000, timeoutMs)) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    }
    if (Date.now() + intervalMs > deadline) throw new InvalidRunError(`drain: ${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
