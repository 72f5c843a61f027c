import { z } from 'zod';
import { durationMs } from '../units/index.js';
import { duration as durationField } from '../units/schema.js';

/**
 * scenarios.yaml fragments for the ELB steps, in the scenario file's style (durations as "2s"), Zod
 * only: the scenario schema imports this without loading the AWS SDK (scenario-steps.ts runs them).
 */
const duration = durationField();
/** A step's duration field (checked by the schema) in ms, or the default. */
export const ms = (s: string | undefined, dflt: number): number => (s === undefined ? dflt : durationMs(s));
const awsFields = {
  region: z.string().optional(),
  endpointUrl: z.string().regex(/^https?:\/\//, 'expected an http:// or https:// URL').optional().describe('ELBv2/EC2 endpoint override (e.g. shadowtap local-elb)'),
};

export const requireHealthyStepSchema = z.strictObject({
  targetGroup: z.string().min(1).describe('target group name or ARN'),
  loadBalancer: z.string().optional(),
  minHealthy: z.number().int().min(1).default(1),
  wait: duration.optional().describe('keep looking this long for the minimum (default: one look)'),
  ...awsFields,
}).describe('before any load: refuse to start (exit 3) unless the group has enough healthy targets');

export const drainStepSchema = z.strictObject({
  targetGroup: z.string().min(1),
  loadBalancer: z.string().optional(),
  target: z.string().optional().describe('ID or ID:PORT (default: the first healthy target)'),
  mode: z.enum(['graceful', 'abrupt']).default('graceful'),
  command: z.array(z.string()).min(1).optional().describe('restart/deploy command, no shell; TARGET_ID and TARGET_PORT in its env'),
  phase: z.string().optional().describe('the load phase the cycle runs during (default: the first)'),
  at: duration.optional().describe('start the cycle this long into the phase (default 2s)'),
  healthUrl: z.string().regex(/^https?:\/\//).optional(),
  healthTimeout: duration.optional(),
  waiterMinDelay: duration.optional(),
  waiterMaxDelay: duration.optional(),
  waiterMaxWait: duration.optional(),
  poll: duration.optional().describe('timeline: DescribeTargetHealth interval (default 1s)'),
  ...awsFields,
}).describe('during a load phase through the load balancer: deregister a target, wait, run the command, wait for health, register, wait in service; any failed request fails the scenario');

export type RequireHealthyStep = z.output<typeof requireHealthyStepSchema>;
export type DrainStep = z.output<typeof drainStepSchema>;
