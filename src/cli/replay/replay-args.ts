/** Parsed `shadowtap replay` arguments (kebab-case keys as yargs gives them). */
export interface ReplayArgs {
  captures: string[];
  target?: string[];
  primary?: string;
  secondary?: string;
  candidate?: string;
  speed: number;
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
  report?: string;
  junit?: string;
  json: boolean;
  'skip-invalid': boolean;
  'max-lag-p99': string;
  'max-error-rate': string;
  quiet: boolean;
  drain: number;
  'max-loop-delay': string;
}
