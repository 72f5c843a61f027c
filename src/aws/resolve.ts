import { InputError, InvalidRunError } from '../errors.js';
import { formParams } from '../form-urlencoded.js';
import { ec2Client, elbClient, type AwsOptions } from './client.js';
import { listTargets, type TargetRow } from './discover.js';
import { awsCall } from './errors.js';
import { describeRow } from './health-gate.js';

/** `elbv2://<target-group name or ARN>?scheme=http&path=/prefix&region=…&endpoint=…` */
export const ELB_SCHEME = 'elbv2://';

export const isElbSpec = (s: string): boolean => s.toLowerCase().startsWith(ELB_SCHEME);

interface ElbSpec {
  targetGroup: string;
  scheme: 'http' | 'https';
  path: string;
  aws: AwsOptions;
}

export function parseElbSpec(spec: string): ElbSpec {
  const rest = spec.slice(ELB_SCHEME.length);
  const q = rest.indexOf('?');
  const targetGroup = decodeURIComponent(q < 0 ? rest : rest.slice(0, q));
  const params = formParams(q < 0 ? '' : rest.slice(q + 1));
  if (!targetGroup) throw new InputError(`${spec}: name a target group: elbv2://<name-or-arn>?scheme=http&path=/`);
  const scheme = params.get('scheme') ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') throw new InputError(`${spec}: scheme must be http or https`);
  for (const k of params.keys()) {
    if (!['scheme', 'path', 'region', 'endpoint'].includes(k)) throw new InputError(`${spec}: unknown parameter "${k}" (scheme, path, region, endpoint)`);
  }
  const path = (params.get('path') ?? '').replace(/\/$/, '');
  return { targetGroup, scheme, path, aws: { region: params.get('region') ?? undefined, endpointUrl: params.get('endpoint') ?? undefined } };
}

const host = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip);

/** Instance id → private IPv4 address (EC2 DescribeInstances). */
async function privateAddresses(ids: string[], aws: AwsOptions): Promise<Map<string, string>> {
  const ec2 = await ec2Client(aws);
  const { DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
  try {
    const out = await awsCall(`DescribeInstances ${ids.join(',')}`, () => ec2.send(new DescribeInstancesCommand({ InstanceIds: ids })));
    const map = new Map<string, string>();
    for (const r of out.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId && i.PrivateIpAddress) map.set(i.InstanceId, i.PrivateIpAddress);
    return map;
  } finally {
    ec2.destroy();
  }
}

/** The URL of each given target (IP targets as they are, instance targets by their private address). */
export async function targetUrls(rows: TargetRow[], scheme: string, path: string, aws: AwsOptions): Promise<string[]> {
  const bad = rows.find((r) => r.targetType !== 'ip' && r.targetType !== 'instance');
  if (bad) throw new InputError(`target group "${bad.targetGroup}" has ${bad.targetType} targets, which have no URL to send to`);
  const instances = rows.filter((r) => r.targetType === 'instance').map((r) => r.id);
  const addr = instances.length ? await privateAddresses(instances, aws) : new Map<string, string>();
  return rows.map((r) => {
    const ip = r.targetType === 'ip' ? r.id : addr.get(r.id);
    if (!ip) throw new InputError(`instance ${r.id} of target group "${r.targetGroup}" has no private IP address`);
    return `${scheme}://${host(ip)}:${r.port}${path}`;
  });
}

/**
 * The URLs of every healthy target of a target group, for anywhere a target URL is accepted.
 * No healthy target → InvalidRunError (exit 3) naming the targets and their reasons.
 */
export async function resolveTargetUrls(spec: string, defaults: AwsOptions = {}): Promise<string[]> {
  const s = parseElbSpec(spec);
  const aws = { ...defaults, ...Object.fromEntries(Object.entries(s.aws).filter(([, v]) => v !== undefined)) };
  const client = elbClient(aws);
  try {
    const rows = await listTargets(client, { targetGroup: s.targetGroup });
    const healthy = rows.filter((r) => r.state === 'healthy');
    if (!healthy.length) {
      throw new InvalidRunError(`target group "${s.targetGroup}" has no healthy target${rows.length ? `: ${rows.map(describeRow).join(', ')}` : ' (none registered)'}`);
    }
    return await targetUrls(healthy, s.scheme, s.path, aws);
  } finally {
    client.destroy();
  }
}

/** Expand every elbv2:// entry of a URL list into its healthy targets' URLs; other URLs pass through. */
export async function expandTargetUrls(urls: string[], defaults: AwsOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for (const u of urls) out.push(...(isElbSpec(u) ? await resolveTargetUrls(u, defaults) : [u]));
  return out;
}
