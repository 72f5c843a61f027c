import { Buffer } from 'node:buffer';
import { listParam, structListParam, type Params } from './query.js';
import type { LocalElbState } from './state.js';
import type { LocalTargetGroup, TargetSpec } from './target-group.js';
import { AwsFault, type XmlValue } from './xml.js';

const secs = (ms: number): number => Math.max(1, Math.round(ms / 1000));

function targetGroupXml(state: LocalElbState, g: LocalTargetGroup): XmlValue {
  const c = g.cfg;
  return {
    TargetGroupArn: g.arn, TargetGroupName: c.name, Protocol: c.protocol, Port: c.port, VpcId: c.vpcId,
    HealthCheckProtocol: c.protocol, HealthCheckPort: 'traffic-port', HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: secs(c.healthCheckIntervalMs), HealthCheckTimeoutSeconds: secs(c.healthCheckTimeoutMs),
    HealthyThresholdCount: c.healthyThreshold, UnhealthyThresholdCount: c.unhealthyThreshold, HealthCheckPath: c.healthCheckPath,
    Matcher: { HttpCode: c.matcher },
    LoadBalancerArns: c.loadBalancer ? [state.loadBalancers.get(c.loadBalancer)] : [],
    TargetType: c.targetType, ProtocolVersion: 'HTTP1', IpAddressType: 'ipv4',
  };
}

function pageOf<T>(items: T[], params: Params, defaultSize: number): { page: T[]; next?: string } {
  const size = params.has('PageSize') ? Number(params.get('PageSize')) : defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > 400) {
    throw new AwsFault(400, 'ValidationError', "1 validation error detected: Value at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400");
  }
  const marker = params.get('Marker');
  const start = marker ? Number(Buffer.from(marker, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsFault(400, 'ValidationError', 'Invalid Marker');
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { page, next };
}

function describeTargetGroups(state: LocalElbState, p: Params): Record<string, XmlValue> {
  let groups = state.groups;
  const lbArn = p.get('LoadBalancerArn');
  if (lbArn) {
    const name = [...state.loadBalancers].find(([, arn]) => arn === lbArn)?.[0];
    if (!name) throw new AwsFault(400, 'LoadBalancerNotFound', 'One or more load balancers not found');
    groups = groups.filter((g) => g.cfg.loadBalancer === name);
  }
  const names = listParam(p, 'Names');
  const arns = listParam(p, 'TargetGroupArns');
  if (names.length || arns.length) {
    const found = groups.filter((g) => names.includes(g.cfg.name) || arns.includes(g.arn));
    if (found.length < names.length + arns.length) throw new AwsFault(400, 'TargetGroupNotFound', 'One or more target groups not found');
    groups = found;
  }
  const { page, next } = pageOf(groups, p, state.cfg.pageSize);
  return { TargetGroups: page.map((g) => targetGroupXml(state, g)), NextMarker: next };
}

function targetsOf(p: Params): TargetSpec[] {
  return structListParam(p, 'Targets').map((t) => {
    if (!t.Id) throw new AwsFault(400, 'ValidationError', "1 validation error detected: Value null at 'targets.member.id' failed to satisfy constraint: Member must not be null");
    return { id: t.Id, port: t.Port ? Number(t.Port) : undefined, az: t.AvailabilityZone };
  });
}

function describeTargetHealth(state: LocalElbState, p: Params): Record<string, XmlValue> {
  const g = state.groupByArn(p.get('TargetGroupArn'));
  return {
    TargetHealthDescriptions: g.describe(targetsOf(p)).map(({ target, health }) => ({
      Target: { Id: target.id, Port: target.port, AvailabilityZone: target.az },
      HealthCheckPort: String(target.port),
      TargetHealth: { State: health.state, Reason: health.reason, Description: health.description },
    })),
  };
}

function describeLoadBalancers(state: LocalElbState, p: Params): Record<string, XmlValue> {
  const names = listParam(p, 'Names');
  const arns = listParam(p, 'LoadBalancerArns');
  let lbs = [...state.loadBalancers];
  if (names.length || arns.length) {
    lbs = lbs.filter(([n, a]) => names.includes(n) || arns.includes(a));
    if (lbs.length < names.length + arns.length) throw new AwsFault(400, 'LoadBalancerNotFound', 'One or more load balancers not found');
  }
  const { page, next } = pageOf(lbs, p, state.cfg.pageSize);
  return {
    LoadBalancers: page.map(([name, arn]) => ({
      LoadBalancerArn: arn, LoadBalancerName: name, DNSName: `${name}.local.elb`, Scheme: 'internal', Type: 'application',
      State: { Code: 'active' }, VpcId: 'vpc-0local0000000000', IpAddressType: 'ipv4',
    })),
    NextMarker: next,
  };
}

/** The ELBv2 actions the local endpoint speaks; each returns the `…Result` content. */
export const elbActions: Record<string, (state: LocalElbState, p: Params) => Record<string, XmlValue>> = {
  DescribeTargetGroups: describeTargetGroups,
  DescribeTargetHealth: describeTargetHealth,
  DescribeLoadBalancers: describeLoadBalancers,
  RegisterTargets: (state, p) => (state.groupByArn(p.get('TargetGroupArn')).register(targetsOf(p)), {}),
  DeregisterTargets: (state, p) => (state.groupByArn(p.get('TargetGroupArn')).deregister(targetsOf(p)), {}),
};
