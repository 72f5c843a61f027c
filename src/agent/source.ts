import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from '../exchange.js';
import type { AgentConfig } from './config.js';
import type { RecordingProxyStats } from '../capture/input-proxy.js';
import { newCaptureStats, type CaptureStats } from '../capture/tcp/stream-sink.js';
import type { SinkLog } from '../io/sink.js';
import { splitListen } from '../capture/proxy/address.js';

/** tcpdump's packet-buffer timeout plus a margin: what an abrupt exit can lose. */
const LOST_BLOCK_MS = 1200;

/** The agent's log: the same shape as a sink's, so its sinks log through it. */
export type Log = SinkLog;

export interface Gap {
  from: string;
  to?: string;
  reason: string;
}

export interface SourceState {
  kind: 'live' | 'proxy';
  up: boolean;
  restarts: number;
  gaps: Gap[];
  capture?: CaptureStats;
  proxy?: RecordingProxyStats;
  proxyPort?: number;
}

export interface RunningSource {
  state: SourceState;
  /** Resolves once the source is capturing (tcpdump listening / proxy bound). */
  ready: Promise<void>;
  /** Stops capturing; in-flight exchanges are delivered before it resolves. */
  stop(): Promise<void>;
  done: Promise<void>;
}

const KEEP_GAPS = 100;
/** How long a first tcpdump start must survive before the agent counts as started. */
const START_CHECK_MS = 500;

/**
 * Live tcpdump capture, supervised: when tcpdump exits (killed, interface gone) it is restarted after a
 * backoff that doubles up to restartMax and resets after a minute of stable running; the time without
 * capture is recorded as a gap.
 */
export function startLiveSource(cfg: AgentConfig, emit: (ex: Exchange) => void, log: Log): RunningSource {
  const live = cfg.source.live!;
  const state: SourceState = { kind: 'live', up: false, restarts: 0, gaps: [], capture: newCaptureStats() };
  const totals = newCaptureStats();
  const stopper = new AbortController();
  let current: { stop(): Promise<void> } | undefined;
  let markReady: () => void = () => {};
  let failStart: (err: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (failStart = reject)));
  let everUp = false;
  const done = (async () => {
    const { liveCapture } = await import('../capture/input-live.js');
    let backoff = cfg.supervise.restartMin;
    let openGap: Gap | undefined;
    while (!stopper.signal.aborted) {
      const lc = liveCapture({ iface: live.interface, ports: live.ports, bufferKiB: live.bufferKiB, maxBodyBytes: cfg.maxBodyBytes, ...(live.bpf ? { bpf: live.bpf } : {}), ...(live.tcpdump ? { tcpdump: live.tcpdump } : {}) });
      current = lc;
      const started = Date.now();
      const sum = (): void => {
        for (const k of Object.keys(totals) as (keyof CaptureStats)[]) state.capture![k] = (totals[k] ?? 0) + (lc.stats[k] ?? 0);
      };
      const ticker = setInterval(sum, 1000);
      try {
        await lc.ready;
        const consume = (async () => {
          for await (const ex of lc.exchanges) emit(ex);
        })();
        // tcpdump's "listening" also comes when it fails at once (no permission, bad interface or
        // filter): on the first attempt give it a moment, and fail the start with its message.
        if (state.restarts === 0) await Promise.race([consume, sleep(START_CHECK_MS)]);
        state.up = true;
        everUp = true;
        if (openGap) {
          openGap.to = new Date().toISOString();
          log('info', 'tcpdump restarted; capture resumed', { gap: openGap });
          openGap = undefined;
        }
        markReady();
        await consume;
        if (!stopper.signal.aborted) log('error', 'tcpdump exited unexpectedly', { restartInMs: backoff });
      } catch (err) {
        if (!everUp) {
          failStart(err as Error);
          return;
        }
        log('error', 'live capture failed', { reason: (err as Error).message, restartInMs: backoff });
      } finally {
        clearInterval(ticker);
        sum();
        for (const k of Object.keys(totals) as (keyof CaptureStats)[]) totals[k] = state.capture![k] ?? 0;
        state.up = false;
      }
      if (stopper.signal.aborted) break;
      state.restarts++;
      // tcpdump hands packets over in ring-buffer blocks (up to its 1 s timeout): a tcpdump that dies
      // takes the block it had not delivered with it, so the gap starts that much before the exit.
      openGap = { from: new Date(Date.now() - LOST_BLOCK_MS).toISOString(), reason: 'tcpdump exited' };
      state.gaps.push(openGap);
      if (state.gaps.length > KEEP_GAPS) state.gaps.shift();
      if (Date.now() - started > 60_000) backoff = cfg.supervise.restartMin;
      await sleep(backoff, undefined, { signal: stopper.signal }).catch(() => undefined);
      backoff = Math.min(backoff * 2, cfg.supervise.restartMax);
    }
    markReady();
  })();
  return {
    state,
    ready,
    done,
    stop: async () => {
      stopper.abort();
      await current?.stop();
      await done;
    },
  };
}

/** The recording reverse proxy as the agent's source (for hosts and containers without packet capture). */
export function startProxySource(cfg: AgentConfig, emit: (ex: Exchange) => void, log: Log): RunningSource {
  const p = cfg.source.proxy!;
  const state: SourceState = { kind: 'proxy', up: false, restarts: 0, gaps: [] };
  let proxy: Awaited<ReturnType<typeof import('../capture/input-proxy.js').startRecordingProxy>> | undefined;
  Object.defineProperty(state, 'proxy', { get: () => proxy?.stats(), enumerable: true });
  const ready = (async () => {
    const { startRecordingProxy } = await import('../capture/input-proxy.js');
    // The schema has checked it (config.ts): --check and the start refuse the same values.
    const { host, port } = splitListen(p.listen)!;
    proxy = await startRecordingProxy({ host, port, upstream: p.upstream, maxBodyBytes: cfg.maxBodyBytes, queueCapacity: p.queue, requestTimeoutMs: p.requestTimeout });
    state.up = true;
    state.proxyPort = proxy.port;
    log('info', 'recording proxy listening', { host, port: proxy.port, upstream: p.upstream });
  })();
  const done = ready.then(
    async () => {
      try {
        let n = 0;
        for await (const ex of proxy!.exchanges) {
          emit(ex);
          // A backlog arrives as resolved promises: let the proxied requests' I/O run in between.
          if (++n % 64 === 0) await new Promise((r) => setImmediate(r));
        }
      } finally {
        state.up = false;
      }
    },
    () => undefined, // the start error is reported through `ready`
  );
  return {
    state,
    ready,
    done,
    stop: async () => {
      await ready.catch(() => undefined);
      await proxy?.close();
      await done.catch(() => undefined);
    },
  };
}
