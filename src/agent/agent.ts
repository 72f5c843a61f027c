import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Exchange } from '../exchange.js';
import { checkKey, processRedactKey } from '../stages/redact/index.js';
import type { AgentConfig } from './config.js';
import { RotatingFileSink } from '../io/outputs/rotating.js';
import { MirrorSink, type MirrorEngine } from '../io/outputs/mirror.js';
// Imported statically: loading the engine on first use would stall the event loop (and production
// traffic through the proxy) for the time it takes to compile.
import { runLoad } from '../replay/engine.js';
import { startLiveSource, startProxySource, type Log, type RunningSource } from './source.js';
import { agentMetrics } from './agent-metrics.js';
import { pump } from '../io/pump.js';
import { pushSource, type PushSource } from '../io/inputs/push.js';
import type { Sink } from '../io/sink.js';
import type { RedisOutput } from '../io/outputs/redis.js';
import type { Stage } from '../stages/stage.js';
import { InputError } from '../errors.js';

/**
 * The long-running capture: one source, fanned out to the sinks. Sinks only ever `offer` (bounded,
 * drop and count), so neither a full disk nor a dead shadow can slow the source. Files get the
 * redacted exchange; the mirror gets the original, in memory only, so the shadow can authenticate.
 */
export class Agent {
  captured = 0;
  pausedDropped = 0;
  paused = false;
  readonly startedAt = new Date();
  files: RotatingFileSink | undefined;
  mirror: MirrorSink | undefined;
  stream: RedisOutput | undefined;
  source!: RunningSource;
  /** What the capture hands over; the pump takes it through the stages to the sinks. */
  private input!: PushSource;
  private pumped: Promise<unknown> = Promise.resolve();

  constructor(
    readonly cfg: AgentConfig,
    readonly log: Log,
  ) {}

  async start(): Promise<void> {
    const r = this.cfg.redact;
    const key = !r.enabled ? undefined : r.keyFile ? { bytes: checkKey(await readFile(r.keyFile), `redact.keyFile ${r.keyFile}`), source: `keyFile ${r.keyFile}` } : processRedactKey();
    // The files get exchanges through the redaction stage (their first line says how, never with the key); the mirror gets the original.
    const policy = { enabled: r.enabled, headers: r.headers, queryParams: r.queryParams, ...(key ? { key } : {}) };
    const f = this.cfg.files;
    if (f) {
      const source = this.cfg.source.live ? { kind: 'live', interface: this.cfg.source.live.interface, host: hostname() } : { kind: 'proxy', listen: this.cfg.source.proxy!.listen, host: hostname() };
      this.files = new RotatingFileSink({
        dir: f.dir,
        prefix: f.prefix,
        maxFileBytes: f.maxFileBytes,
        rotateEveryMs: f.rotateEvery,
        gzip: f.gzip,
        maxTotalBytes: f.maxTotalBytes,
        queueCapacity: f.queue,
        retryMs: f.retry,
        blocking: false,
        header: { source, redaction: policy },
        log: this.log,
      });
      // Before the source binds and before anything in the directory is touched: a second agent on the
      // same files.dir stops here (exit 2, naming the first one's pid), leaving the first one's files alone.
      await this.files.owned.catch(async (err: Error) => {
        await this.files?.close().catch(() => undefined);
        throw err instanceof InputError ? new InputError(`files.dir: ${err.message}`) : err;
      });
    }
    const m = this.cfg.mirror;
    // The mirror sends through replay's engine, as fast as the shadow takes it.
    const engine: MirrorEngine = (run) => runLoad({ ...run, pace: 'max', intervalMs: 60_000 });
    if (m) this.mirror = new MirrorSink({ targets: m.targets, samplePercent: m.samplePercent, maxRate: m.maxRate, queue: m.queue, connections: m.connections, timeoutMs: m.timeout, engine, log: this.log });
    // Files get the redacted exchanges (the pump's stage); the mirror takes the original, in memory only.
    this.input = pushSource('agent', {}, Math.max(f?.queue ?? 0, m?.queue ?? 0, 10_000));
    const sinks: Sink[] = [this.files, this.mirror].filter((s) => s !== undefined);
    const st = this.cfg.stream;
    // Never waits for Redis: a Redis down at start is retried in the background (drops counted meanwhile).
    // The Redis client loads only when a stream is configured.
    if (st) sinks.push((this.stream = await (await import('../io/outputs/redis.js')).RedisOutput.open(st.url, { maxlen: st.maxlen, queue: st.queue }, this.log)));
    this.pumped = pump({ source: this.input, stages: [this.pausing()], redaction: policy, sinks }).catch((err: Error) => this.log('error', 'agent pipeline failed', { reason: err.message }));
    const emit = (ex: Exchange): void => this.emit(ex);
    this.source = this.cfg.source.live ? startLiveSource(this.cfg, emit, this.log) : startProxySource(this.cfg, emit, this.log);
    try {
      await this.source.ready;
    } catch (err) {
      // Let the sinks end so the process can exit with the source's message.
      await this.mirror?.abortNow();
      await this.input.stop();
      await this.pumped;
      throw err;
    }
  }

  private emit(ex: Exchange): void {
    this.captured++;
    this.input.offer(ex);
  }

  /** While paused, exchanges are counted and dropped. */
  private pausing(): Stage {
    return {
      name: 'pause',
      apply: (batch) => {
        if (!this.paused) return batch;
        this.pausedDropped += batch.length;
        return [];
      },
    };
  }

  health(): { status: 'ok' | 'degraded'; reasons: string[] } {
    const reasons: string[] = [];
    if (this.files?.counts.degraded) reasons.push(`capture files: ${this.files.counts.degradedReason}`);
    if (!this.source.state.up) reasons.push(`source ${this.source.state.kind} is down (restarts: ${this.source.state.restarts})`);
    if (this.stream?.trouble.reason) reasons.push(`stream ${this.stream.name}: ${this.stream.trouble.reason}`);
    if (this.mirror?.trouble.reason) reasons.push(`mirror: ${this.mirror.trouble.reason}`);
    return { status: reasons.length ? 'degraded' : 'ok', reasons };
  }

  status(): object {
    const mem = process.memoryUsage();
    return {
      startedAt: this.startedAt.toISOString(),
      uptimeS: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      paused: this.paused,
      health: this.health(),
      captured: this.captured,
      pausedDropped: this.pausedDropped,
      source: this.source.state,
      files: this.files?.counts,
      mirror: this.mirror?.counts,
      stream: this.streamStats(),
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
    };
  }

  /** The stream's counts under its (password-free) URL; after stop, with what was lost at stop. */
  streamStats(): object | undefined {
    return this.stream ? { url: this.stream.name, ...this.stream.stats() } : undefined;
  }

  /** What the "agent stopped" line says: every sink's counts, so what was lost anywhere is in the last word. */
  finalCounts(): object {
    return { captured: this.captured, files: this.files?.counts, mirror: this.mirror?.counts, stream: this.streamStats() };
  }

  metrics(): string {
    return agentMetrics(this);
  }

  rotate(): Promise<void> {
    return this.files?.rotate() ?? Promise.resolve();
  }

  pause(): void {
    if (!this.paused) this.log('info', 'capture paused');
    this.paused = true;
  }

  resume(): void {
    if (this.paused) this.log('info', 'capture resumed');
    this.paused = false;
  }

  /** Stops the source (in-flight exchanges still arrive), writes and renames the files, drains the mirror. */
  async stop(): Promise<void> {
    await this.source.stop();
    await this.input.stop();
    await this.pumped; // the pump closes the sinks once the input is drained
  }
}
