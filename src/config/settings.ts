import { InputError } from '../errors.js';

/**
 * Every SHADOWTAP_* environment variable, read once at the edge (cli/main.ts, and the agent's config
 * loader for its token) and passed down as options. A module deep in the tree never reads the
 * environment: what changes its behaviour is visible in its options.
 */
export interface Settings {
  /** SHADOWTAP_REDACT_KEY: the redaction HMAC key (≥ 16 bytes), so that equal secrets hash equal across runs and hosts. */
  redactKey?: string;
  /** SHADOWTAP_AGENT_TOKEN: the agent's control-API bearer token when agent.yaml names none. */
  agentToken?: string;
  /** SHADOWTAP_ADMIN_TOKEN: the sample service's admin token. */
  adminToken?: string;
  /** SHADOWTAP_DEBUG: print stack traces of unexpected errors. */
  debug: boolean;
  /**
   * SHADOWTAP_SPIN_US (implementation switch): below this much time before a request is due the pacer
   * polls the clock instead of sleeping. More costs CPU, less costs lag. Unset: the pacer's own default
   * (replay/pacer.ts, 300), which is why the CLI loads the pacer only when this is set.
   */
  spinUs: number | undefined;
  /**
   * SHADOWTAP_V8_TUNING (implementation switch): `0` keeps V8's default compiler heuristics instead of
   * the CLI's (cli/v8-tuning.ts), e.g. to tell whether a difference comes from them.
   */
  v8Tuning: boolean;
  /**
   * NODE_EXTRA_CA_CERTS (Node's own variable): the file of CAs Node trusts besides its roots. A `--ca`
   * list replaces Node's default trust, so replay names this file again to add to it, not replace it
   * (replay/dispatch/extra-ca.ts `setExtraCaFile`).
   */
  extraCaCerts?: string;
}

export const SETTINGS_VARIABLES = ['SHADOWTAP_REDACT_KEY', 'SHADOWTAP_AGENT_TOKEN', 'SHADOWTAP_ADMIN_TOKEN', 'SHADOWTAP_DEBUG', 'SHADOWTAP_SPIN_US', 'SHADOWTAP_V8_TUNING'] as const;

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const spin = nonEmpty(env.SHADOWTAP_SPIN_US);
  const spinUs = spin === undefined ? undefined : Number(spin);
  if (spinUs !== undefined && (!Number.isInteger(spinUs) || spinUs < 0 || spinUs > 100_000)) throw new InputError(`SHADOWTAP_SPIN_US: expected whole microseconds 0…100000, got "${spin}"`);
  const tuning = nonEmpty(env.SHADOWTAP_V8_TUNING);
  if (tuning !== undefined && tuning !== '0' && tuning !== '1') throw new InputError(`SHADOWTAP_V8_TUNING: expected 0 or 1, got "${tuning}"`);
  return {
    redactKey: nonEmpty(env.SHADOWTAP_REDACT_KEY),
    agentToken: nonEmpty(env.SHADOWTAP_AGENT_TOKEN),
    adminToken: nonEmpty(env.SHADOWTAP_ADMIN_TOKEN),
    debug: !!nonEmpty(env.SHADOWTAP_DEBUG),
    spinUs,
    v8Tuning: tuning !== '0',
    extraCaCerts: nonEmpty(env.NODE_EXTRA_CA_CERTS),
  };
}
