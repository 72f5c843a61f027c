import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { InvalidRunError } from '../errors.js';
import { awsOptionsSchema, elbClient } from './client.js';
import { describeTargets, findTargetGroups, type TargetRow } from './discover.js';

/** Scenario step / API options of the health gate. */
export const requireHealthySchema = z.strictObject({
  targetGroup: z.string().min(1),
  loadBalancer: z.string().optional(),
  /** Fewest healthy targets that let the run start. */
  minHealthy: z.number().int().min(1).default(1),
  /** Keep polling up to this long for the minimum (targets just registered); 0 = one look. */
  waitMs: z.number().int().min(0).default(0),
  pollMs: z.number().int().min(50).default(2000),
  aws: awsOptionsSchema.default({}),
});
export type RequireHealthyOptions = z.input<typeof requireHealthySchema>;

export interface HealthGateResult {
  targetGroup: string;
  healthy: TargetRow[];
  notHealthy: TargetRow[];
}

export const describeRow = (r: TargetRow): string =>
  `${r.id}:${r.port} ${r.state}${r.reason ? ` (${r.reason}${r.description ? `: ${r.description}` : ''})` : ''}`;

/**
 * Refuse to start load on an unhealthy pool: the group must have at least `minHealthy` healthy targets
 * (within `waitMs`), else InvalidRunError (exit 3) naming the group and each other target with its reason.
 */
export async function requireHealthy(input: RequireHealthyOptions, client?: ElasticLoadBalancingV2Client): Promise<HealthGateResult> {
  const o = requireHealthySchema.parse(input);
  const c = client ?? elbClient(o.aws);
  try {
    const groups = await findTargetGroups(c, { targetGroup: o.targetGroup, loadBalancer: o.loadBalancer });
    const deadline = Date.now() + o.waitMs;
    for (;;) {
      const rows = (await Promise.all(groups.map((g) => describeTargets(c, g)))).flat();
      const healthy = rows.filter((r) => r.state === 'healthy');
      const result = { targetGroup: o.targetGroup, healthy, notHealthy: rows.filter((r) => r.state !== 'healthy') };
      if (healthy.length >= o.minHealthy) return result;
      if (Date.now() + o.pollMs > deadline) {
        const others = result.notHealthy.length ? `; not healthy: ${result.notHealthy.map(describeRow).join(', ')}` : '; no other targets registered';
        throw new InvalidRunError(`target group "${o.targetGroup}" has ${healthy.length} healthy target(s), needs at least ${o.minHealthy}${others}`);
      }
      await new Promise((r) => setTimeout(r, o.pollMs));
    }
  } finally {
    if (!client) c.destroy();
  }
}
