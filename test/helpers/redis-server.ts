import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { listenLoopback } from './listen.js';

/**
 * A real redis-server (Debian's package) on 127.0.0.1 and a free port, in memory only (no RDB, no AOF).
 * `stop` ends it; `start` starts it again on the same port (an outage, then Redis back, empty).
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly bind: string,
    private readonly netns?: string,
    private readonly extra: readonly string[] = [],
  ) {}

  get url(): string {
    return `redis://${this.bind}:${this.port}`;
  }

  /** Starts on a free port of 127.0.0.1, or (with `netns`) on `bind` inside that namespace. */
  static async start(o: { bind?: string; netns?: string; port?: number; extra?: readonly string[] } = {}): Promise<RedisServer> {
    for (let attempt = 0; ; attempt++) {
      const port = o.port ?? (await freePort());
      const r = new RedisServer(port, o.bind ?? '127.0.0.1', o.netns, o.extra);
      try {
        await r.start();
        return r;
      } catch (err) {
        // Another test took the port between probing and binding: try another.
        if (attempt >= 4 || o.port) throw err;
      }
    }
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', this.bind, '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--loglevel', 'notice', ...this.extra];
    const cmd = this.netns ? ['ip', ['netns', 'exec', this.netns, 'redis-server', ...args]] as const : ['redis-server', args] as const;
    const child = spawn(cmd[0], cmd[1], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s: ${out.slice(-400)}`)), 10_000);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(err);
      };
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => fail(new Error(`redis-server exited (${code}): ${out.slice(-400)}`)));
      child.once('error', fail);
    });
    child.stdout!.resume();
    child.stderr!.resume();
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    c.kill('SIGKILL');
    await exited;
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listenLoopback(s);
  await new Promise((r) => s.close(r));
  return port;
}
