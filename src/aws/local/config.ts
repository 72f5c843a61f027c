import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';

/** The configuration of the local ELBv2 endpoint (tests, `shadowtap local-elb --config`). Times in ms. */
export const targetHealthStates = ['initial', 'healthy', 'unhealthy', 'unused', 'draining', 'unavailable', 'unhealthy.draining'] as const;
export type TargetHealthState = (typeof targetHealthStates)[number];

const targetSchema = z.strictObject({
  id: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  az: z.string().optional(),
  /** A fixed health (no health checks) — for listings "exactly as configured". */
  health: z.strictObject({ state: z.enum(targetHealthStates), reason: z.string().optional(), description: z.string().optional() }).optional(),
});

export const localTargetGroupSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, 'target group names are 1-32 letters, digits or hyphens'),
  protocol: z.enum(['HTTP', 'HTTPS']).default('HTTP'),
  port: z.number().int().min(1).max(65535).default(80),
  targetType: z.enum(['ip', 'instance']).default('ip'),
  vpcId: z.string().default('vpc-0local0000000000'),
  healthCheckPath: z.string().startsWith('/').default('/health'),
  healthCheckIntervalMs: z.number().int().min(10).default(5000),
  healthCheckTimeoutMs: z.number().int().min(10).default(2000),
  healthyThreshold: z.number().int().min(1).max(10).default(2),
  unhealthyThreshold: z.number().int().min(1).max(10).default(2),
  /** HTTP codes counted as healthy, ELB syntax: "200", "200,202", "200-299". */
  matcher: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/).default('200'),
  deregistrationDelayMs: z.number().int().min(0).default(300_000),
  /** Name of the load balancer this group is attached to (the local LB forwards to its first group). */
  loadBalancer: z.string().optional(),
  targets: z.array(targetSchema).default([]),
  /**
   * The AZ of a target registered without one that the config does not list (ELB finds an IP's AZ
   * from its subnet; here the config stands in for the subnets).
   */
  az: z.string().optional(),
});

/** Why a target id cannot be registered in a group of this type (ELB's InvalidTarget), or undefined. */
export function targetProblem(type: 'ip' | 'instance', id: string, instances: Record<string, string>): string | undefined {
  if (type === 'ip') return isIP(id) ? undefined : `${id} is not an IP address`;
  return id in instances ? undefined : `${id} is not a known instance (add it under "instances")`;
}

export const localElbConfigSchema = z.strictObject({
  region: z.string().default('us-east-1'),
  accountId: z.string().regex(/^\d{12}$/).default('123456789012'),
  /** Default page size of DescribeTargetGroups when the caller sends none (AWS: 400). */
  pageSize: z.number().int().min(1).max(400).default(400),
  credentials: z.array(z.strictObject({ accessKeyId: z.string(), secretAccessKey: z.string(), deny: z.array(z.string()).optional() }))
    .default([{ accessKeyId: 'AKIALOCALTEST', secretAccessKey: 'local-secret' }]),
  /** EC2 instance id → private IP, for instance targets (health checks, routing, DescribeInstances). */
  instances: z.record(z.string(), z.string()).default({}),
  targetGroups: z.array(localTargetGroupSchema).default([]),
}).superRefine((cfg, ctx) => {
  cfg.targetGroups.forEach((g, i) => g.targets.forEach((t, j) => {
    const problem = targetProblem(g.targetType, t.id, cfg.instances);
    if (problem) ctx.addIssue({ code: 'custom', path: ['targetGroups', i, 'targets', j, 'id'], message: problem });
  }));
  // Each of these is looked up by its key: a second entry with the same key would silently lose its data.
  duplicates(cfg.targetGroups.map((g) => g.name), (i, first) => ctx.addIssue({
    code: 'custom', path: ['targetGroups', i, 'name'], message: `duplicate target group name "${cfg.targetGroups[i]!.name}" (also targetGroups[${first}].name)`,
  }));
  cfg.targetGroups.forEach((g, i) => duplicates(g.targets.map((t) => `${t.id}:${t.port ?? g.port}`), (j, first) => ctx.addIssue({
    code: 'custom', path: ['targetGroups', i, 'targets', j], message: `duplicate target ${g.targets[j]!.id}:${g.targets[j]!.port ?? g.port} (also targets[${first}])`,
  })));
  duplicates(cfg.credentials.map((c) => c.accessKeyId), (i, first) => ctx.addIssue({
    code: 'custom', path: ['credentials', i, 'accessKeyId'], message: `duplicate access key id (also credentials[${first}].accessKeyId)`,
  }));
});

function duplicates(keys: string[], report: (index: number, first: number) => void): void {
  const seen = new Map<string, number>();
  keys.forEach((k, i) => {
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else report(i, first);
  });
}

export type LocalTargetGroupConfig = z.output<typeof localTargetGroupSchema>;
export type LocalElbConfig = z.output<typeof localElbConfigSchema>;
export type LocalElbConfigInput = z.input<typeof localElbConfigSchema>;

const hex16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

export function targetGroupArn(cfg: LocalElbConfig, name: string): string {
  return `arn:aws:elasticloadbalancing:${cfg.region}:${cfg.accountId}:targetgroup/${name}/${hex16(`tg/${name}`)}`;
}

export function loadBalancerArn(cfg: LocalElbConfig, name: string): string {
  return `arn:aws:elasticloadbalancing:${cfg.region}:${cfg.accountId}:loadbalancer/app/${name}/${hex16(`lb/${name}`)}`;
}

/** Does an HTTP status match an ELB matcher string? */
export function matches(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const [lo, hi] = part.split('-').map(Number) as [number, number | undefined];
    return hi === undefined ? status === lo : status >= lo && status <= hi;
  });
}
