/** Parsed `shadowtap replay` arguments (kebab-case keys as yargs gives them). */
export interface ReplayArgs {
  captures: string[];
  target?: string[];
  primary?: string;
  secondary?: string;
  candidate?: string;
  /** Recorded timing divided by this; undefined is 1 (left undefined so that --rate and --ramp can refuse it). */
  speed?: number;
  /** req/s */
  rate?: number;
  poisson: boolean;
  ramp?: { from: number; to: number; durationMs: number };
  /** a whole number ≥ 1, or Infinity */
  loop?: number;
  /** ms (every duration here is in ms, read by the CLI's unit grammar) */
  duration?: number;
  'max-requests'?: number;
  seed: number;
  proxy?: string;
  'env-proxy': boolean;
  connections: number;
  pipelining: number;
  'connect-timeout': number;
  timeout: number;
  'max-in-flight'?: number;
  'max-queue': number;
  insecure: boolean;
  ca?: string;
  'preserve-host': boolean;
  'tag-header'?: string;
  method?: string[];
  writes: boolean;
  /** With --no-writes: writes still replayed ("METHOD", "regex", "METHOD regex"). */
  'allow-write'?: string[];
  /** Staging config files (src/replay/staging/config.ts): one for every target, or one per target in order. */
  staging?: string[];
  /** Credential map file: `redacted:<hash>: staging value`. */
  credentials?: string;
  /** "Header=env:NAME" / "Header=file:PATH": default credential; a literal is refused. */
  credential?: string[];
  plugin?: string[];
  allow?: string[];
  deny?: string[];
  'header-match'?: string[];
  /** percent, 0 < x ≤ 100 */
  sample?: number;
  /** bytes */
  'max-body'?: number;
  'set-header'?: string[];
  'remove-header'?: string[];
  'rewrite-url'?: string[];
  compare: boolean;
  'compare-header'?: string[];
  ignore?: string[];
  'ignore-regex'?: string[];
  'ignore-array-order': boolean;
  'fail-on-diff': boolean;
  results?: string;
  summary?: string;
  /** the report directory (`--out`; `--report` is its old spelling) */
  out?: string;
  junit?: string;
  json: boolean;
  'skip-invalid': boolean;
  /** ms, Infinity for "off" */
  'max-lag-p99': number;
  /** a fraction 0..1, Infinity for "off" */
  'max-error-rate': number;
  quiet: boolean;
  /** progress lines on stderr even when it is not a terminal (there: one final line) */
  progress?: boolean;
  /** Prometheus remote-write URL for live per-second metrics */
  'metrics-remote-write'?: string;
  drain: number;
  /** ms, Infinity for "off" */
  'max-loop-delay': number;
  /** Spread over workers (src/distributed/replay-load.ts reads these). */
  workers?: number;
  coordinator?: string;
  /** ms */
  'barrier-timeout': number;
  /** ms */
  'heartbeat-timeout': number;
}
