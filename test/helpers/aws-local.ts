import { afterAll } from 'vitest';
import { startSampleService, type SampleService } from '../../src/service/app.js';
import { startLocalElb, type LocalElb, type LocalElbConfigInput } from '../../src/aws/local/index.js';

/** The key pair the local endpoint accepts by default. */
export const CREDS = { accessKeyId: 'AKIALOCALTEST', secretAccessKey: 'local-secret' };

/** Environment for a CLI child pointed at the local endpoint (no profile files, no IMDS lookups). */
export function awsEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: CREDS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey, AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', ...extra };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

/** A local ELB stopped after the file. */
export async function localElb(cfg: LocalElbConfigInput): Promise<LocalElb> {
  const elb = await startLocalElb(cfg);
  afterAll(() => elb.close());
  return elb;
}

/**
 * N sample services on fixed ports (picked ephemerally once), which can be killed and restarted in place.
 * A pool far above the load's concurrency: a 503 here must come from the drain, not from a busy pool.
 */
const THREADS = 1000;

export async function sampleFleet(n: number): Promise<{ ports: number[]; kill(i: number): Promise<void>; start(i: number): Promise<void> }> {
  const running: (SampleService | undefined)[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = await startSampleService({ threads: THREADS });
    running.push(s);
    ports.push(Number(new URL(s.url).port));
  }
  afterAll(async () => {
    await Promise.all(running.map((s) => s?.close()));
  });
  return {
    ports,
    kill: async (i) => {
      await running[i]?.close();
      running[i] = undefined;
    },
    start: async (i) => {
      running[i] = await startSampleService({ threads: THREADS, port: ports[i] });
    },
  };
}

/** Wait (bounded) until `cond` holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** States of a group's targets, in registration order. */
export const statesOf = (elb: LocalElb, group: string): string[] =>
  [...elb.state.groups.find((g) => g.cfg.name === group)!.targets.values()].map((t) => t.health.state);

/** Wait until every target of the group (default: every group) is healthy. */
export function allHealthy(elb: LocalElb, group?: string): Promise<void> {
  const groups = group ? [group] : elb.state.groups.map((g) => g.cfg.name);
  return waitFor(() => groups.every((g) => statesOf(elb, g).every((s) => s === 'healthy')), `healthy targets in ${groups.join(', ')}`);
}
