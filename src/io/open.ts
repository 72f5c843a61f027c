import type { Exchange } from '../exchange.js';
import { REDACT_ALL, type RedactPolicy } from '../stages/redact/index.js';
import { InputError } from '../errors.js';
import { openSink, openSource } from './registry.js';
import type { Sink, SinkOptions } from './sink.js';
import type { Source, SourceOptions } from './source.js';
import { pump } from './pump.js';

/**
 * Opens the output of a source already open (a live capture has started tcpdump, a proxy listens): if it
 * cannot be opened, the source is stopped (else the command would wait on it for ever, or forward without
 * recording) and the output is named after `flag` (`--out X: cannot write the capture file: …`). An
 * output that is one of the source's input files is refused (exit 2) before it is opened, so not truncated.
 */
export async function openSinkFor(source: Source, flag: string, target: string, opts: SinkOptions & { kind?: string | undefined }): Promise<Sink> {
  try {
    return await openSink(target, { ...opts, from: source });
  } catch (err) {
    await source.stop().catch(() => undefined);
    // A bad stream URL says so itself, without its password; a file that cannot be written is named.
    if (err instanceof InputError) throw err;
    throw new InputError(`${flag} ${target}: cannot write the capture file: ${(err as Error).message}`);
  }
}

/** Any input the registry knows, as a stream of exchanges (replay, scenarios, tests). */
export async function openExchanges(target: string, opts: SourceOptions = {}): Promise<AsyncIterable<Exchange>> {
  const source = await openSource(target, opts);
  return (async function* () {
    try {
      for await (const batch of source.batches()) yield* batch;
    } finally {
      await source.stop();
    }
  })();
}

/** Exchanges already in hand as a source (tests, tools). */
export function iterableSource(exchanges: Iterable<Exchange> | AsyncIterable<Exchange>, name = 'exchanges'): Source {
  return {
    name,
    origin: {},
    async *batches() {
      for await (const ex of exchanges) yield [ex];
    },
    stop: async () => {},
    stats: () => ({}),
  };
}

/** Writes exchanges to any output the registry knows, through the pump (so redacted by `redaction`, default on); returns how many. */
export async function writeExchanges(target: string, exchanges: Iterable<Exchange> | AsyncIterable<Exchange>, meta: { origin?: Record<string, unknown>; redaction?: RedactPolicy } = {}): Promise<number> {
  const redaction = meta.redaction ?? REDACT_ALL;
  const sink = await openSink(target, { redaction, origin: meta.origin });
  const stats = await pump({ source: iterableSource(exchanges), redaction, sinks: [sink] });
  return stats.sinks[sink.name]!.written;
}
