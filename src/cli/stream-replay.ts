import { InputError } from '../errors.js';
import { RedisInput } from '../io/inputs/redis.js';
import type { OpenedInput } from '../replay/replay-run.js';
import type { ReplayArgs } from '../replay/replay-args.js';
import { streamInputFlags, type StreamInputArgs } from './stream-flags.js';

type Run = (a: ReplayArgs, input: OpenedInput) => Promise<number>;

/**
 * `replay redis://…/STREAM`: the stream is the capture. With `--group`, an exchange is acknowledged
 * once every target has answered (or failed) it, or a filter left it out; what was not (the run
 * stopped, the process died) stays pending for the group. The accounting goes to stderr at the end.
 */
export async function replayStream(args: ReplayArgs & StreamInputArgs, run: Run): Promise<number> {
  if (args.captures.length !== 1) throw new InputError(`${args.captures.length} inputs: a Redis stream is replayed on its own (one redis://… and no files)`);
  if ((args.loop ?? 1) !== 1) throw new InputError('--loop: a Redis stream is read once (use --follow to keep reading)');
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  const input = await RedisInput.open(args.captures[0]!, streamInputFlags(args), { signal: ac.signal, onWarning: (m) => void process.stderr.write(`warning: ${m}\n`) });
  // Summaries and reports name the stream without the URL's password.
  args.captures = [input.shown];
  // With --follow the stream never ends: an interrupt ends the reading, then the run drains.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await run(args, {
      batches: () => input.batches(),
      handled: (id) => input.ack(id),
      get exchanges() {
        return input.exchanges;
      },
      get invalid() {
        return input.invalid;
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await input.close();
    process.stderr.write(`replay: ${input.summary()}\n`);
  }
}
