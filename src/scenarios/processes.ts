import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { InputError, InvalidRunError } from '../errors.js';
import type { ConfigurationSpec, StartSpec } from './spec.js';

const URL_IN_LINE = /https?:\/\/[^\s"'<>]+/;
const STOP_GRACE_MS = 5000;

const SELF = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/**
 * `node` means the node running shadowtap and `shadowtap` this very CLI (same version, same install),
 * so a start command works without either on PATH and from a scenarios file copied anywhere.
 */
function program(argv: string[]): [string, string[]] {
  const [cmd, ...args] = argv;
  if (cmd === 'shadowtap') return [process.execPath, [SELF, ...args]];
  return [cmd === 'node' ? process.execPath : cmd!, args];
}

function run(start: StartSpec, argv: string[]): ChildProcess {
  const [cmd, args] = program(argv);
  return spawn(cmd, args, {
    cwd: start.cwd,
    env: { ...process.env, ...start.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
  });
}

interface Started {
  config: ConfigurationSpec;
  child: ChildProcess;
  stderr: string[];
}

/**
 * Configurations with a `start` command: started without a shell on first use, their URL read from
 * the first URL their stdout prints (when baseUrl is not given), and stopped at the end of the run.
 */
export class LocalServices {
  private readonly started = new Map<string, Started>();
  private readonly urls = new Map<string, string>();

  /** The configuration's base URL, starting it first when it has a start command. */
  async ensure(config: ConfigurationSpec, probePath = '/'): Promise<string> {
    const known = this.urls.get(config.name);
    if (known) return known;
    // elbv2://<target group>: its first healthy target, addressed directly (src/aws/resolve.ts).
    if (!config.start && /^elbv2:\/\//i.test(config.baseUrl!)) return (await (await import('../aws/resolve.js')).resolveTargetUrls(config.baseUrl!))[0]!;
    if (!config.start) return config.baseUrl!;
    const start = config.start;
    const child = run(start, start.command);
    const s: Started = { config, child, stderr: [] };
    this.started.set(config.name, s);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      s.stderr.push(d);
      if (s.stderr.length > 50) s.stderr.shift();
    });
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => reject(new InputError(`${config.where}: configurations.${config.name}.start.command: cannot run ${start.command[0]} (${err.code ?? err.message})`)));
      child.once('exit', (code, signal) => reject(new InvalidRunError(`configuration ${config.name}: start command exited (${signal ?? `code ${code}`}) before it was ready${this.tail(s)}`)));
    });
    failed.catch(() => undefined);
    const deadline = Date.now() + start.readyTimeoutMs;
    const giveUp = new AbortController();
    const late = sleep(start.readyTimeoutMs, undefined, { signal: giveUp.signal }).then(() => {
      throw new InvalidRunError(`configuration ${config.name}: start command was not ready within ${start.readyTimeoutMs} ms${this.tail(s)}`);
    });
    late.catch(() => undefined);
    try {
      const url = config.baseUrl ?? (await Promise.race([this.firstUrl(s), failed, late]));
      await Promise.race([this.waitAnswering(url + probePath, deadline, giveUp.signal), failed, late]);
      this.urls.set(config.name, url.replace(/\/+$/, ''));
      return this.urls.get(config.name)!;
    } finally {
      giveUp.abort();
    }
  }

  /** Stops everything started: the stop command if any, then SIGTERM, then SIGKILL after a grace period. */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.started.values()].map(async ({ config, child }) => {
        if (config.start?.stop) {
          const stopper = run(config.start, config.start.stop);
          stopper.stdout!.resume();
          stopper.stderr!.resume();
          await Promise.race([once(stopper, 'exit'), once(stopper, 'error'), sleep(STOP_GRACE_MS)]).catch(() => undefined);
        }
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const exited = once(child, 'exit');
        if ((await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)])) === false) child.kill('SIGKILL');
      }),
    );
    this.started.clear();
  }

  private tail(s: Started): string {
    const text = s.stderr.join('').trim().split('\n').slice(-5).join('\n');
    return text ? `:\n${text}` : '';
  }

  private async firstUrl(s: Started): Promise<string> {
    const { child } = s;
    const lines = createInterface({ input: child.stdout! });
    for await (const line of lines) {
      const m = URL_IN_LINE.exec(line);
      if (m) {
        child.stdout!.resume(); // keep draining: a child blocked on a full pipe would stall
        return m[0];
      }
    }
    throw new InvalidRunError(`configuration ${s.config.name}: start command ended its output without printing a URL (give baseUrl, or a command that prints it)${this.tail(s)}`);
  }

  private async waitAnswering(url: string, deadline: number, signal: AbortSignal): Promise<void> {
    while (Date.now() < deadline && !signal.aborted) {
      try {
        const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
        await res.body.dump();
        return;
      } catch {
        await sleep(100);
      }
    }
  }
}
