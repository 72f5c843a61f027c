import type { RedactArgs } from './redact-options.js';

/**
 * `shadowtap cat FILE [--format F]` is what scripts run in loops over many captures, and loading yargs
 * (ESM compile, cliui/string-width building the help text) is ~80 ms of its start-up — more than
 * listing a 10 MB capture takes. This recognises only that exact plain form; anything else (help, other
 * options, a typo) goes to yargs, which stays the one definition of the command line.
 */
export interface PlainCat extends Partial<RedactArgs> {
  file: string;
  format: 'tsv' | 'json' | 'har';
  'skip-invalid': boolean;
  /** A pcap file: 1 one thread, 2 a reader thread; 0 or absent: chosen by size and cores. */
  threads?: number;
}

const FORMATS = new Set(['tsv', 'json', 'har']);

export function plainCat(argv: readonly string[]): PlainCat | undefined {
  if (argv[0] !== 'cat' || argv.length < 2 || argv.length > 4) return undefined;
  const file = argv[1]!;
  if (file.startsWith('-') && file !== '-') return undefined;
  let format = 'tsv';
  if (argv.length === 3) {
    if (!argv[2]!.startsWith('--format=')) return undefined;
    format = argv[2]!.slice('--format='.length);
  } else if (argv.length === 4) {
    if (argv[2] !== '--format') return undefined;
    format = argv[3]!;
  }
  return FORMATS.has(format) ? { file, format: format as PlainCat['format'], 'skip-invalid': false } : undefined;
}
