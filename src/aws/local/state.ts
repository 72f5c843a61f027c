import { EventEmitter } from 'node:events';
import { loadBalancerArn, targetGroupArn, targetProblem, type LocalElbConfig } from './config.js';
import { startHealthChecks } from './health-checker.js';
import { LocalTargetGroup, type LocalTarget } from './target-group.js';
import { AwsFault } from './xml.js';

export interface TargetChange {
  atMs: number;
  targetGroup: string;
  target: string;
  from: string;
  to: string;
}

/** All target groups and load balancers of the local endpoint; emits 'change' (TargetChange). */
export class LocalElbState extends EventEmitter {
  readonly groups: LocalTargetGroup[] = [];
  /** Load balancer name → ARN, in configuration order. */
  readonly loadBalancers = new Map<string, string>();
  /** Calls answered per action, so tests can see paging happen. */
  readonly calls = new Map<string, number>();
  private readonly stops: (() => void)[] = [];

  constructor(readonly cfg: LocalElbConfig) {
    super();
    for (const g of cfg.targetGroups) {
      if (g.loadBalancer && !this.loadBalancers.has(g.loadBalancer)) this.loadBalancers.set(g.loadBalancer, loadBalancerArn(cfg, g.loadBalancer));
      const tg = new LocalTargetGroup(targetGroupArn(cfg, g.name), g, (id) => this.addressOf(g.targetType, id), (group, t, from, to) =>
        this.emit('change', { atMs: Date.now(), targetGroup: group.cfg.name, target: `${t.id}:${t.port}`, from, to } satisfies TargetChange));
      tg.register(g.targets, (s) => g.targets.find((c) => c.id === s.id && c.port === s.port)?.health);
      this.groups.push(tg);
      this.stops.push(startHealthChecks(tg));
    }
  }

  private addressOf(type: 'ip' | 'instance', id: string): { address: string } | { problem: string } {
    const problem = targetProblem(type, id, this.cfg.instances);
    return problem ? { problem } : { address: type === 'ip' ? id : this.cfg.instances[id]! };
  }

  groupByArn(arn: string | null): LocalTargetGroup {
    if (!arn) throw new AwsFault(400, 'ValidationError', "1 validation error detected: Value null at 'targetGroupArn' failed to satisfy constraint: Member must not be null");
    const tg = this.groups.find((g) => g.arn === arn);
    if (!tg) throw new AwsFault(400, 'TargetGroupNotFound', `One or more target groups not found`);
    return tg;
  }

  /** The group the named load balancer forwards to (its first attached group). */
  defaultGroupOf(lbName: string): LocalTargetGroup | undefined {
    return this.groups.find((g) => g.cfg.loadBalancer === lbName);
  }

  /** Targets a proxy may send a new request to. */
  routable(lbName: string): LocalTarget[] {
    return this.defaultGroupOf(lbName)?.routable() ?? [];
  }

  close(): void {
    for (const stop of this.stops) stop();
    for (const g of this.groups) g.close();
  }
}
