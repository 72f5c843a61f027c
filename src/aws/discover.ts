import {
  DescribeLoadBalancersCommand, DescribeTargetHealthCommand, paginateDescribeTargetGroups,
  type ElasticLoadBalancingV2Client, type TargetDescription, type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { InputError } from '../errors.js';
import { awsCall } from './errors.js';

/** One target of a target group with its health, as DescribeTargetHealth reports it. */
export interface TargetRow {
  targetGroup: string;
  targetGroupArn: string;
  targetType: string;
  id: string;
  port: number;
  az?: string;
  state: string;
  reason?: string;
  description?: string;
}

export interface GroupQuery {
  /** Name or ARN; omitted = every group of the load balancer. */
  targetGroup?: string;
  /** Name or ARN of the load balancer the group must be attached to. */
  loadBalancer?: string;
  pageSize?: number;
}

const isArn = (s: string): boolean => s.startsWith('arn:');

async function loadBalancerArn(client: ElasticLoadBalancingV2Client, lb: string): Promise<string> {
  if (isArn(lb)) return lb;
  const out = await awsCall(`DescribeLoadBalancers ${lb}`, async () => {
    try {
      return await client.send(new DescribeLoadBalancersCommand({ Names: [lb] }));
    } catch (err) {
      if ((err as Error).name === 'LoadBalancerNotFoundException') throw new InputError(`load balancer "${lb}" not found`);
      throw err;
    }
  });
  const arn = out.LoadBalancers?.[0]?.LoadBalancerArn;
  if (!arn) throw new InputError(`load balancer "${lb}" not found`);
  return arn;
}

/** DescribeTargetGroups, every page; an unknown group or load balancer → InputError naming it. */
export async function findTargetGroups(client: ElasticLoadBalancingV2Client, q: GroupQuery): Promise<TargetGroup[]> {
  if (!q.targetGroup && !q.loadBalancer) throw new InputError('name a target group (--target-group) or a load balancer (--load-balancer)');
  const lbArn = q.loadBalancer ? await loadBalancerArn(client, q.loadBalancer) : undefined;
  // The API takes one of LoadBalancerArn / TargetGroupArns / Names: with both, list the LB's groups and filter.
  const input = lbArn ? { LoadBalancerArn: lbArn }
    : isArn(q.targetGroup!) ? { TargetGroupArns: [q.targetGroup!] } : { Names: [q.targetGroup!] };
  const what = `DescribeTargetGroups ${q.targetGroup ?? q.loadBalancer}`;
  const groups = await awsCall(what, async () => {
    const all: TargetGroup[] = [];
    try {
      for await (const page of paginateDescribeTargetGroups({ client, pageSize: q.pageSize }, input)) all.push(...(page.TargetGroups ?? []));
    } catch (err) {
      if ((err as Error).name === 'TargetGroupNotFoundException') throw new InputError(`target group "${q.targetGroup}" not found`);
      if ((err as Error).name === 'LoadBalancerNotFoundException') throw new InputError(`load balancer "${q.loadBalancer}" not found`);
      throw err;
    }
    return all;
  });
  if (!q.targetGroup) return groups;
  const match = groups.filter((g) => g.TargetGroupArn === q.targetGroup || g.TargetGroupName === q.targetGroup);
  if (!match.length) throw new InputError(`target group "${q.targetGroup}" not found${q.loadBalancer ? ` on load balancer "${q.loadBalancer}"` : ''}`);
  return match;
}

/** DescribeTargetHealth of one group (all targets, or the given ones). */
export async function describeTargets(client: ElasticLoadBalancingV2Client, tg: TargetGroup, targets?: TargetDescription[]): Promise<TargetRow[]> {
  const name = tg.TargetGroupName ?? tg.TargetGroupArn ?? '?';
  const out = await awsCall(`DescribeTargetHealth for target group ${name}`, () =>
    client.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: targets })));
  return (out.TargetHealthDescriptions ?? []).map((d) => ({
    targetGroup: name,
    targetGroupArn: tg.TargetGroupArn ?? '',
    targetType: tg.TargetType ?? 'instance',
    id: d.Target?.Id ?? '',
    port: d.Target?.Port ?? tg.Port ?? 0,
    az: d.Target?.AvailabilityZone,
    state: d.TargetHealth?.State ?? 'unknown',
    reason: d.TargetHealth?.Reason,
    description: d.TargetHealth?.Description,
  }));
}

/** Every target of every matching group. */
export async function listTargets(client: ElasticLoadBalancingV2Client, q: GroupQuery): Promise<TargetRow[]> {
  const rows: TargetRow[] = [];
  for (const tg of await findTargetGroups(client, q)) rows.push(...(await describeTargets(client, tg)));
  return rows;
}
