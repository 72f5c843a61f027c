import type { Argv } from 'yargs';
import { processRedactKey } from '../stages/redact/key.js';
import type { RedactPolicy } from '../stages/redact/index.js';

export interface RedactArgs {
  redact: boolean;
  'redact-header': string[];
  'redact-query': string[];
}

/** The redaction flags, the same on every command that writes or prints captured data. */
export function withRedactOptions<T>(y: Argv<T>): Argv<T & RedactArgs> {
  return y
    .option('redact', { type: 'boolean', default: true, describe: 'redact credentials (--no-redact keeps them)' })
    .option('redact-header', { type: 'string', array: true, default: [] as string[], describe: 'also redact this header (glob, e.g. x-*-id; repeatable)' })
    .option('redact-query', { type: 'string', array: true, default: [] as string[], describe: 'also redact this field: query, form, JSON, multipart or path parameter (glob; repeatable)' }) as Argv<T & RedactArgs>;
}

/** The policy from the flags; the key (SHADOWTAP_REDACT_KEY, set by cli/main.ts) is checked here, before any work starts. */
export function redactionFrom(args: Partial<RedactArgs>): RedactPolicy {
  if (args.redact === false) return { enabled: false };
  return { enabled: true, headers: args['redact-header'] ?? [], queryParams: args['redact-query'] ?? [], key: processRedactKey() };
}
