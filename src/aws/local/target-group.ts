import type { LocalTargetGroupConfig, TargetHealthState } from './config.js';
import { AwsFault } from './xml.js';

export interface HealthView {
  state: TargetHealthState;
  reason?: string;
  description?: string;
}

export interface LocalTarget {
  id: string;
  port: number;
  az?: string;
  /** Where health checks and proxied requests go (the IP, or the instance's private IP). */
  address: string;
  health: HealthView;
  /** Configured health: no checks, no transitions except deregistration. */
  fixed: boolean;
  okStreak: number;
  failStreak: number;
  drainTimer?: NodeJS.Timeout;
}

export type TargetSpec = { id: string; port?: number; az?: string };
export type ChangeListener = (tg: LocalTargetGroup, t: LocalTarget, from: TargetHealthState | 'unregistered', to: TargetHealthState | 'unregistered') => void;

const REGISTERING: HealthView = { state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress' };
const DRAINING: HealthView = { state: 'draining', reason: 'Target.DeregistrationInProgress', description: 'Target deregistration is in progress' };
const NOT_REGISTERED: HealthView = { state: 'unused', reason: 'Target.NotRegistered', description: 'Target is not registered to the target group' };

/**
 * One target group and its targets' states, changing the way ELB's do: initial → healthy after
 * `healthyThreshold` passing checks, healthy ↔ unhealthy by consecutive results, draining → gone after
 * the deregistration delay (the full delay: the conservative reading of ELB's rule).
 */
export class LocalTargetGroup {
  readonly targets = new Map<string, LocalTarget>();

  constructor(
    readonly arn: string,
    readonly cfg: LocalTargetGroupConfig,
    /** The address to reach a target at, or why it is not a valid target. */
    private readonly addressOf: (id: string) => { address: string } | { problem: string },
    private readonly onChange: ChangeListener,
  ) {}

  private key(id: string, port?: number): string {
    return `${id}:${port ?? this.cfg.port}`;
  }

  private setHealth(t: LocalTarget, h: HealthView): void {
    const from = t.health.state;
    t.health = h;
    if (from !== h.state) this.onChange(this, t, from, h.state);
  }

  register(specs: TargetSpec[], fixed?: (s: TargetSpec) => HealthView | undefined): void {
    const invalid = specs.map((s) => this.addressOf(s.id)).filter((a) => 'problem' in a);
    if (invalid.length) throw new AwsFault(400, 'InvalidTarget', `The following targets are not valid: ${invalid.map((a) => a.problem).join('; ')}`);
    for (const s of specs) {
      const existing = this.targets.get(this.key(s.id, s.port));
      if (existing && existing.health.state !== 'draining') continue;
      if (existing) {
        clearTimeout(existing.drainTimer);
        Object.assign(existing, { okStreak: 0, failStreak: 0 });
        this.setHealth(existing, REGISTERING);
        continue;
      }
      const preset = fixed?.(s);
      const t: LocalTarget = {
        id: s.id, port: s.port ?? this.cfg.port, az: s.az ?? this.azOf(s), address: (this.addressOf(s.id) as { address: string }).address,
        health: preset ?? REGISTERING, fixed: preset !== undefined, okStreak: 0, failStreak: 0,
      };
      this.targets.set(this.key(s.id, s.port), t);
      this.onChange(this, t, 'unregistered', t.health.state);
    }
  }

  /**
   * The AZ ELB would find for a target registered without one (from its subnet): the one the config
   * gives that target (same port first, then the same address), else the group's.
   */
  private azOf(s: TargetSpec): string | undefined {
    const port = s.port ?? this.cfg.port;
    const listed = this.cfg.targets.find((t) => t.id === s.id && (t.port ?? this.cfg.port) === port) ?? this.cfg.targets.find((t) => t.id === s.id);
    return listed?.az ?? this.cfg.az;
  }

  deregister(specs: TargetSpec[]): void {
    const missing = specs.filter((s) => !this.targets.has(this.key(s.id, s.port)));
    if (missing.length) {
      throw new AwsFault(400, 'InvalidTarget', `The following targets are not registered: ${missing.map((s) => `'${s.id}'`).join(', ')}`);
    }
    for (const s of specs) {
      const t = this.targets.get(this.key(s.id, s.port))!;
      if (t.health.state === 'draining') continue;
      this.setHealth(t, DRAINING);
      t.drainTimer = setTimeout(() => this.remove(t), this.cfg.deregistrationDelayMs);
      t.drainTimer.unref();
    }
  }

  private remove(t: LocalTarget): void {
    this.targets.delete(this.key(t.id, t.port));
    this.onChange(this, t, t.health.state, 'unregistered');
  }

  /** Apply one health-check result (the checker skips fixed and draining targets). */
  checked(t: LocalTarget, failure: HealthView | undefined): void {
    if (!this.targets.has(this.key(t.id, t.port)) || t.fixed || t.health.state === 'draining') return;
    if (!failure) {
      t.failStreak = 0;
      t.okStreak++;
      if (t.health.state !== 'healthy' && t.okStreak >= this.cfg.healthyThreshold) this.setHealth(t, { state: 'healthy' });
      return;
    }
    t.okStreak = 0;
    t.failStreak++;
    if (t.health.state !== 'unhealthy' && t.failStreak >= this.cfg.unhealthyThreshold) this.setHealth(t, failure);
    else if (t.health.state === 'unhealthy') t.health = failure;
  }

  /** DescribeTargetHealth: every registered target, or the named ones (unregistered → unused). */
  describe(specs: TargetSpec[]): { target: TargetSpec & { port: number }; health: HealthView }[] {
    if (!specs.length) return [...this.targets.values()].map((t) => ({ target: { id: t.id, port: t.port, az: t.az }, health: t.health }));
    return specs.map((s) => {
      const t = this.targets.get(this.key(s.id, s.port));
      return { target: { id: s.id, port: s.port ?? this.cfg.port, az: t?.az ?? s.az }, health: t?.health ?? NOT_REGISTERED };
    });
  }

  /** Targets new requests may go to: healthy ones; if none, fail open to unhealthy/initial (as ALB does). */
  routable(): LocalTarget[] {
    const all = [...this.targets.values()];
    const healthy = all.filter((t) => t.health.state === 'healthy');
    return healthy.length ? healthy : all.filter((t) => t.health.state === 'unhealthy' || t.health.state === 'initial');
  }

  close(): void {
    for (const t of this.targets.values()) clearTimeout(t.drainTimer);
  }
}
