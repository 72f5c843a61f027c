import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { streamIdOf, type StreamOptions } from '../streams/url.js';
import { durationFlag } from './options.js';

/** Flags of a command that reads exchanges from `redis://…/STREAM` (they override the URL's query options). */
export interface StreamInputArgs {
  group?: string;
  consumer?: string;
  from?: string;
  to?: string;
  follow?: boolean;
  'claim-idle'?: number;
}

const idFlag = (name: string, describe: string) => ({
  type: 'string' as const,
  nargs: 1,
  describe,
  coerce: (v: unknown): string => {
    const text = String(v); // a repeated flag is its last value by now (yargs-cli.ts asGiven)
    try {
      return streamIdOf(text);
    } catch (err) {
      throw new InputError(`--${name}: ${(err as Error).message}`);
    }
  },
});

export function withStreamInputOptions<T>(y: Argv<T>): Argv<T & StreamInputArgs> {
  return y
    .group(['group', 'consumer', 'from', 'to', 'follow', 'claim-idle'], 'Reading a Redis stream (redis://host:port/STREAM):')
    .option('group', { type: 'string', describe: 'consumer group: consumers of one group share the entries, each acknowledged once handled' })
    .option('consumer', { type: 'string', describe: 'this consumer\'s name in the group (default HOST-PID)' })
    .option('from', idFlag('from', 'start at this stream id or time (ISO 8601); with --group, where a new group starts'))
    .option('to', idFlag('to', 'without --group: stop after this stream id or time'))
    .option('follow', { type: 'boolean', describe: 'keep reading new entries (default: stop at the stream\'s last entry at start)' })
    .option('claim-idle', durationFlag('claim-idle', { above: true, describe: 'with --group: claim entries another consumer left pending this long (default 30s)' })) as unknown as Argv<T & StreamInputArgs>;
}

export function streamInputFlags(a: StreamInputArgs): Partial<StreamOptions> {
  return { group: a.group, consumer: a.consumer, from: a.from, to: a.to, follow: a.follow, claimIdleMs: a['claim-idle'] };
}
