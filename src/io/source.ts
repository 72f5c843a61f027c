import type { Exchange } from '../exchange.js';
import type { ReaderThread } from '../capture/thread/reader-thread.js';

/**
 * A source of exchanges: one module per input under `io/inputs/`, picked by `io/registry.ts`.
 * Exchanges come in batches (one per chunk read, or what a live source has ready): the pump then pays a
 * promise per batch, not per exchange, which on the file paths costs more than parsing one.
 */
export interface Source {
  /** What the input is called in messages: a file name, an interface, a URL without its password. */
  readonly name: string;
  /** Where the exchanges came from, as an output's header records it (`{ kind: 'pcap', capture, … }`). */
  readonly origin: Record<string, unknown>;
  /** The batches, in input order, never an empty one; iterated once. */
  batches(): AsyncIterable<Exchange[]>;
  /** Ends the input early: a live source stops capturing and delivers what is in flight; a file stops. Idempotent. */
  stop(): Promise<void>;
  /**
   * For an input that acknowledges what it delivered (a Redis stream read with a consumer group): the
   * pump calls it once every sink has written and flushed the batch (what the stages left out was
   * decided, so it is handled too). What is never acknowledged is delivered again: at least once.
   */
  handled?(batch: readonly Exchange[]): void;
  /** Counts kept by the input (packets, flows, lines, malformed, dropped…), final once the batches end. */
  stats(): object;
}

/** Options an input may use; each reads the ones that apply to it. */
export interface SourceOptions {
  onWarning?: ((message: string) => void) | undefined;
  /** Skip malformed records (counted, warned) instead of failing (exchange files). */
  skipInvalid?: boolean | undefined;
  /** Server ports: traffic on other ports is ignored (packet inputs). */
  ports?: readonly number[] | undefined;
  /** Body bytes kept per message while parsing (packet and proxy inputs; default 1 MiB). */
  maxBodyBytes?: number | undefined;
  /** Exchanges without headers and bodies (packet inputs, for listings that print none). */
  summary?: boolean | undefined;
  /** pcap files: read and reassemble in a reader thread, or the one already started (see capture/input-file.ts). */
  thread?: boolean | ReaderThread | undefined;
  /** Each exchange records the host that read it (capture does; convert and cat keep the input's own tags). */
  tagHost?: boolean | undefined;
  /** Live capture: extra BPF, kernel buffer in KiB, tcpdump binary. */
  live?: { bpf?: string | undefined; bufferKiB?: number | undefined; tcpdump?: string | undefined } | undefined;
  /** The recording proxy: where it forwards, its queue, its request timeout. */
  proxy?: { upstream: string; queueCapacity?: number | undefined; requestTimeoutMs?: number | undefined; stopGraceMs?: number | undefined } | undefined;
  /** Further targets read as one input (ALB log files and directories). */
  more?: readonly string[] | undefined;
}

/** An input kind: one file under `io/inputs/`, one line in `io/registry.ts`. */
export interface InputModule {
  open(target: string, opts: SourceOptions): Promise<Source>;
}
