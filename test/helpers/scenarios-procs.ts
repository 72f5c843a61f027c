import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { CLI } from './capture-tools.js';

/**
 * Timing-sensitive scenario tests run their generator and targets as their own processes at a
 * raised priority: other test files keep this 2-core machine busy, and a measurement of a server's
 * capacity must not turn into a measurement of who else wanted the CPU. Each process is light.
 */
export const NICE = ['nice', '-n', '-10'] as const;

function start(args: string[]): ChildProcess {
  return spawn(NICE[0], [...NICE.slice(1), process.execPath, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `shadowtap sample-service …` in its own process; resolves with its URL (the first line it prints). */
export async function startServiceProcess(args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child = start(['sample-service', '--port', '0', ...args]);
  child.stderr!.resume();
  return urlProcess(child);
}

/** A child that prints its URL as its first line; stop() ends it (SIGTERM, awaited). */
export async function urlProcess(child: ChildProcess): Promise<{ url: string; stop(): Promise<void> }> {
  const [url] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  child.stdout!.resume();
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export function runPrioritized(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(NICE[0], [...NICE.slice(1), process.execPath, CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}
