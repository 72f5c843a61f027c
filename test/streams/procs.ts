import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { CLI } from '../helpers/capture-tools.js';

/** A long-running `shadowtap …` process: its stderr so far, a wait for a line, and a stop. */
export interface Proc {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Sends `signal` and waits for the exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export function startCli(args: string[], prefix: string[] = []): Proc {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|no)_proxy$/i.test(k)));
  const [cmd, ...pre] = prefix.length ? prefix : [process.execPath];
  const child = spawn(cmd!, [...pre, ...(prefix.length ? [process.execPath] : []), CLI, ...args], { env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters) w();
  });
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    waitFor: (re, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(err);
          if (m) done(() => resolve(m));
        };
        const done = (f: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${re} within ${timeoutMs} ms; stderr: ${err.slice(-800)}`))), timeoutMs);
        waiters.add(check);
        void exited.then(() => done(() => (re.exec(err) ? resolve(re.exec(err)!) : reject(new Error(`exited before ${re}; stderr: ${err.slice(-800)}`)))));
        check();
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Starts `record` to `out` and waits for its listening line; returns the proxy's port. */
export async function startRecorder(upstreamPort: number, out: string, extra: string[] = [], prefix: string[] = [], listen = '127.0.0.1:0', upstreamHost = '127.0.0.1'): Promise<{ proc: Proc; port: number }> {
  const proc = startCli(['record', '--listen', listen, '--upstream', `http://${upstreamHost}:${upstreamPort}`, '--out', out, ...extra], prefix);
  const m = await proc.waitFor(/listening on http:\/\/[^:]+:(\d+)/);
  return { proc, port: Number(m[1]) };
}

export async function stopAll(procs: Proc[]): Promise<void> {
  await Promise.all(procs.map((p) => p.stop()));
}

export { once };
