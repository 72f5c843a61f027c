import { spawn } from 'node:child_process';
import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import { exchangesFromPcapStream, type PcapInputOptions } from './input-file.js';
import { newCaptureStats, type CaptureStats } from './tcp/stream-sink.js';

export interface LiveOptions extends Omit<PcapInputOptions, 'reader' | 'stats'> {
  /** Interface name, e.g. "eth0", "lo", "any". */
  iface: string;
  /** Extra BPF, combined with the port list by "and". */
  bpf?: string;
  /** Kernel capture buffer in KiB (tcpdump -B); a large one is what keeps drops at zero under load. */
  bufferKiB?: number;
  tcpdump?: string;
  /**
   * tcpdump --immediate-mode: packets reach us as they arrive instead of in ring-buffer blocks. Off by
   * default because, measured here under load (wrk on lo, 4 s): immediate mode with -B 32 MiB dropped
   * 361k of 643k packets and with -B 256 MiB 9.6k, while block mode with -B 32 MiB dropped none at
   * 52k req/s. Immediate mode gives every packet a frame sized for the MTU (64 KiB on lo), so the
   * buffer holds only a few hundred packets. -U still flushes the pcap stream packet by packet.
   */
  immediate?: boolean;
}

export interface LiveCapture {
  exchanges: AsyncIterable<Exchange>;
  /** Updated as packets arrive; kernelDrops/captured are filled from tcpdump's own report when it exits. */
  stats: CaptureStats;
  /** Resolves once tcpdump says it is listening (packets from then on are seen). */
  ready: Promise<void>;
  /** Stops tcpdump cleanly (SIGINT: it flushes and reports its counts); the exchanges then run out. Idempotent. */
  stop(): Promise<void>;
  /** Asks tcpdump for its counts now (SIGUSR1); `stats` has them as soon as it answers on stderr. */
  poll(): void;
}

/** tcpdump's packet-buffer timeout (pcap_set_timeout 1000 ms) plus a margin. */
const BLOCK_TIMEOUT_MS = 1200;

/**
 * Tunnelled (mirrored) traffic: VXLAN on its three ports, and GRE (which carries ERSPAN). The port list
 * cannot be checked by BPF inside a tunnel, so the pipeline applies it to the unwrapped packets.
 */
export const TUNNELS_BPF = 'udp port 4789 or udp port 8472 or udp port 4790 or ip proto 47 or ip6 proto 47';

/** The tcpdump filter for a port list and an optional extra expression (`--bpf 'udp port 4789'`: a mirror target). */
export function bpfFor(ports: readonly number[] = [], bpf?: string): string {
  const portExpr = `${ports.length > 0 ? ports.map((p) => `tcp port ${p}`).join(' or ') : 'tcp'} or ${TUNNELS_BPF}`;
  return bpf ? `(${portExpr}) and (${bpf})` : portExpr;
}

/**
 * Live capture: tcpdump (spawned without a shell) writes pcap to a pipe, and the same reader and
 * pipeline as for files turn it into exchanges. Reusable by long-running callers (the agent).
 */
export function liveCapture(opts: LiveOptions): LiveCapture {
  const stats = newCaptureStats();
  const bin = opts.tcpdump ?? 'tcpdump';
  const args = ['-i', opts.iface, '-U', ...(opts.immediate ? ['--immediate-mode'] : []), '-B', String(opts.bufferKiB ?? 32768), '-s', '0', '-w', '-', bpfFor(opts.ports, opts.bpf)];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stopping = false;
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < 65536) stderr += s;
    if (stderr.includes('listening on')) onReady();
    readCounts(s, stats); // a report asked for by poll(): kernel drops as they happen
  });
  const stderrEnded = new Promise<void>((resolve) => child.stderr.once('close', () => resolve()));
  // 'exit' and stderr's end, not 'close': 'close' also waits for stdout, which a caller that stops
  // reading (a --max-exchanges limit) never drains.
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('exit', (code) => void stderrEnded.then(() => resolve({ code })));
  });
  void exited.then(() => {
    readCounts(stderr, stats);
    onReady(); // never leave a waiter hanging
  });
  const stop = async (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      // In block mode the kernel hands packets over when a ring block fills or its 1 s timeout passes;
      // tcpdump exits on SIGINT without draining a partial block, so wait one timeout first: every
      // packet the kernel saw before stop() is then written.
      if (!opts.immediate && child.exitCode === null) await new Promise((r) => setTimeout(r, BLOCK_TIMEOUT_MS));
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    } else await exited;
  };
  const name = `interface ${opts.iface}`;
  async function* run(): AsyncGenerator<Exchange> {
    try {
      yield* exchangesFromPcapStream(child.stdout, name, { ...opts, stats, source: opts.source ?? { capture: opts.iface, kind: 'live' } });
    } catch (err) {
      const { code, error } = await exited;
      if (error || (code !== 0 && !stopping)) throw tcpdumpError(bin, error, stderr, code);
      if (!(err instanceof InputError && /empty input/.test(err.message))) throw err;
    } finally {
      await stop();
    }
    const { code, error } = await exited;
    if (error || (code !== 0 && !stopping)) throw tcpdumpError(bin, error, stderr, code);
  }
  const poll = (): void => void (child.exitCode === null && !stopping && child.kill('SIGUSR1'));
  return { exchanges: run(), stats, ready, stop, poll };
}

function readCounts(stderr: string, stats: CaptureStats): void {
  const captured = /(\d+) packets? captured/.exec(stderr);
  const dropped = /(\d+) packets? dropped by kernel/.exec(stderr);
  if (captured) stats.captured = Number(captured[1]);
  if (dropped) stats.kernelDrops = Number(dropped[1]);
}

function tcpdumpError(bin: string, error: Error | undefined, stderr: string, code: number | null): InputError {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return new InputError(`${bin} not found: live capture needs tcpdump (Debian/Ubuntu: sudo apt-get install tcpdump; RHEL: sudo dnf install tcpdump)`);
  }
  const lines = stderr.trim().split('\n').map((l) => l.replace(/^tcpdump: /, '').trim());
  const text = [...new Set(lines.filter((l) => l && !/^(listening on|\d+ packets|\(.*\)$)/.test(l)))].join('; ');
  if (/permission|not permitted|EPERM/i.test(stderr)) {
    return new InputError(`tcpdump may not capture here (${text}): run as root, or grant it the capabilities once: sudo setcap cap_net_raw,cap_net_admin=eip $(command -v tcpdump)`);
  }
  if (/no such device|doesn't exist|not found/i.test(stderr)) return new InputError(`tcpdump: ${text} (list interfaces with: tcpdump -D)`);
  if (/syntax error|can't parse filter/i.test(stderr)) return new InputError(`tcpdump rejected the filter: ${text}`);
  return new InputError(`tcpdump failed (exit ${code ?? 'n/a'}${error ? `, ${error.message}` : ''}): ${text || 'no message'}`);
}
