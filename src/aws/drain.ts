import {
  DeregisterTargetsCommand, RegisterTargetsCommand, waitUntilTargetDeregistered, waitUntilTargetInService,
  type ElasticLoadBalancingV2Client, type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { InputError, InvalidRunError } from '../errors.js';
import { awsOptionsSchema, elbClient } from './client.js';
import { runUserCommand, waitForHealth } from './command.js';
import { describeTargets, findTargetGroups, type TargetRow } from './discover.js';
import { leftDeregistered, withLeftNote, type LeftDeregistered } from './drain-left.js';
import { awsCall } from './errors.js';
import { targetUrls } from './resolve.js';
import { StateTimeline, type TimelineEvent } from './timeline.js';

/** The SDK waiters' polling (their defaults: 15 s to 120 s between polls). */
const waiterSchema = z.strictObject({
  minDelayMs: z.number().int().min(1).default(15_000),
  maxDelayMs: z.number().int().min(1).default(120_000),
  maxWaitMs: z.number().int().min(1).default(900_000),
});

export const drainCycleSchema = z.strictObject({
  targetGroup: z.string().min(1),
  loadBalancer: z.string().optional(),
  /** "id" or "id:port"; default the first healthy target. */
  target: z.string().optional(),
  /** graceful: deregister → wait → command → health → register → in service. abrupt: command only (the failure case to compare). */
  mode: z.enum(['graceful', 'abrupt']).default('graceful'),
  /** Restart/deploy command, argv without a shell; TARGET_ID and TARGET_PORT are in its environment. */
  command: z.array(z.string()).min(1).optional(),
  commandTimeoutMs: z.number().int().min(1).default(300_000),
  /** Default: http://<target address>:<port><the group's health check path>. */
  healthUrl: z.url().optional(),
  healthTimeoutMs: z.number().int().min(1).default(120_000),
  waiter: waiterSchema.default({ minDelayMs: 15_000, maxDelayMs: 120_000, maxWaitMs: 900_000 }),
  /** How often the timeline polls DescribeTargetHealth. */
  pollMs: z.number().int().min(50).default(1000),
  aws: awsOptionsSchema.default({}),
});
export type DrainCycleOptions = z.input<typeof drainCycleSchema>;

export interface DrainCycleResult {
  targetGroup: string;
  target: string;
  mode: 'graceful' | 'abrupt';
  startedAt: number;
  endedAt: number;
  timeline: TimelineEvent[];
  /** Set when a step failed; its message ends with `leftDeregistered`'s note when there is one. */
  error?: Error;
  /** The cycle failed between deregistering and registering the target: it is out of service. */
  leftDeregistered?: LeftDeregistered;
}

function pickTarget(rows: TargetRow[], want: string | undefined, tg: string): TargetRow {
  const row = want ? rows.find((r) => `${r.id}:${r.port}` === want || r.id === want) : rows.find((r) => r.state === 'healthy');
  if (!row) throw new InputError(want ? `drain: target ${want} is not registered in target group "${tg}"` : `drain: target group "${tg}" has no healthy target to drain`);
  return row;
}

async function wait(what: string, fn: () => Promise<unknown>, signal?: AbortSignal): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (signal?.aborted) throw new InvalidRunError(`drain: interrupted while waiting for ${what}`);
    throw new InvalidRunError(`drain: ${what} did not happen in time (${(err as Error).message.split('\n')[0]})`);
  }
}

export interface CycleExtras {
  /** In-process restart (tests, embedders): runs before `command`, if any. */
  action?: (t: TargetRow) => Promise<void>;
  client?: ElasticLoadBalancingV2Client;
  /** Stops waiting (waiters, health) and skips the remaining steps; the result says where it stopped. */
  signal?: AbortSignal;
  /** Each timeline event as it happens (progress). */
  onEvent?: (e: TimelineEvent) => void;
}

/**
 * One deploy cycle of one target, recorded as a timeline of ELB states and steps. On failure or abort the
 * target is left as it is (never registered blindly: the command may have left it broken, as a deploy
 * tool leaves an instance whose restart failed out of service); the result says so and how to undo it.
 */
export async function runDrainCycle(input: DrainCycleOptions, x: CycleExtras = {}): Promise<DrainCycleResult> {
  const o = drainCycleSchema.parse(input);
  const { action, client, signal } = x;
  const c = client ?? elbClient(o.aws);
  const startedAt = Date.now();
  let timeline: StateTimeline | undefined;
  let key = o.target ?? '?';
  let error: Error | undefined;
  let left: LeftDeregistered | undefined;
  try {
    const [tg] = (await findTargetGroups(c, { targetGroup: o.targetGroup, loadBalancer: o.loadBalancer })) as [TargetGroup];
    const row = pickTarget(await describeTargets(c, tg), o.target, o.targetGroup);
    key = `${row.id}:${row.port}`;
    const healthUrl = o.healthUrl ?? (await targetUrls([row], 'http', tg.HealthCheckPath ?? '/', o.aws))[0]!;
    timeline = new StateTimeline(c, tg, o.pollMs, x.onEvent);
    await timeline.start();
    // An IP target's AZ goes back with it: one outside the VPC ("all") cannot be registered without it.
    const target = { Id: row.id, Port: row.port, ...(tg.TargetType === 'ip' && row.az ? { AvailabilityZone: row.az } : {}) };
    const targets = { TargetGroupArn: tg.TargetGroupArn, Targets: [target] };
    const waiter = { client: c, minDelay: o.waiter.minDelayMs / 1000, maxDelay: o.waiter.maxDelayMs / 1000, maxWaitTime: o.waiter.maxWaitMs / 1000, ...(signal ? { abortSignal: signal } : {}) };
    const step = (name: string, detail?: string): void => {
      if (signal?.aborted) throw new InvalidRunError(`drain: interrupted before ${name}`);
      timeline!.step(key, name, detail);
    };
    if (o.mode === 'graceful') {
      step('deregister');
      await awsCall(`DeregisterTargets ${key}`, () => c.send(new DeregisterTargetsCommand(targets)));
      left = leftDeregistered(tg.TargetGroupName ?? o.targetGroup, tg.TargetGroupArn ?? '', target, o.aws.endpointUrl);
      await wait(`deregistration of ${key}`, () => waitUntilTargetDeregistered(waiter, targets), signal);
      // The waiter has seen the new state; record it now so the timeline never shows it after the next step.
      await timeline.poll();
      step('deregistered');
    }
    step('command', o.command?.join(' ') ?? 'in-process action');
    if (action) await action(row);
    if (o.command) await runUserCommand(o.command, o.commandTimeoutMs, { TARGET_ID: row.id, TARGET_PORT: String(row.port) });
    step('command-done');
    await waitForHealth(healthUrl, o.healthTimeoutMs, signal);
    step('health-ok', healthUrl);
    if (o.mode === 'graceful') {
      step('register');
      await awsCall(`RegisterTargets ${key}`, () => c.send(new RegisterTargetsCommand(targets)));
      left = undefined;
    }
    await wait(`${key} back in service`, () => waitUntilTargetInService(waiter, targets), signal);
    await timeline.poll();
    step('in-service');
  } catch (err) {
    error = err instanceof Error ? err : new Error(String(err));
    timeline?.step(key, 'error', error.message);
    if (left) error = withLeftNote(error, left);
  } finally {
    await timeline?.stop();
    if (!client) c.destroy();
  }
  return { targetGroup: o.targetGroup, target: key, mode: o.mode, startedAt, endedAt: Date.now(), timeline: timeline?.events ?? [], ...(error ? { error } : {}), ...(left ? { leftDeregistered: left } : {}) };
}
