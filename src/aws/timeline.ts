import type { ElasticLoadBalancingV2Client, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describeTargets } from './discover.js';

/** A change seen during a drain: a target's ELB state, or a step of the procedure. */
export interface TimelineEvent {
  /** Epoch ms. */
  at: number;
  kind: 'state' | 'step';
  /** "id:port" for state events; the target being cycled for steps. */
  target: string;
  /** The new ELB state, or the step name (deregister, deregistered, command, command-done, health-ok, register, in-service). */
  name: string;
  detail?: string;
  /** The state a target had when the timeline started (context, not a change). */
  initial?: true;
}

/**
 * Polls DescribeTargetHealth for a whole group and records each target's state changes — what the
 * operator would see in the console, so the report shows ELB's view beside the load's.
 */
export class StateTimeline {
  readonly events: TimelineEvent[] = [];
  private readonly last = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private started = false;

  constructor(
    private readonly client: ElasticLoadBalancingV2Client,
    private readonly tg: TargetGroup,
    private readonly pollMs: number,
    /** Told each event as it happens (progress on stderr). */
    private readonly onEvent?: (e: TimelineEvent) => void,
  ) {}

  private push(e: TimelineEvent): void {
    this.events.push(e);
    this.onEvent?.(e);
  }

  step(target: string, name: string, detail?: string): void {
    this.push({ at: Date.now(), kind: 'step', target, name, ...(detail ? { detail } : {}) });
  }

  async poll(): Promise<void> {
    const rows = await describeTargets(this.client, this.tg).catch(() => undefined);
    if (!rows) return;
    const seen = new Set<string>();
    for (const r of rows) {
      const key = `${r.id}:${r.port}`;
      seen.add(key);
      const first = !this.started;
      if (this.last.get(key) !== r.state) this.push({ at: Date.now(), kind: 'state', target: key, name: r.state, ...(r.reason ? { detail: r.reason } : {}), ...(first ? { initial: true as const } : {}) });
      this.last.set(key, r.state);
    }
    for (const key of this.last.keys()) {
      if (!seen.has(key) && this.last.get(key) !== 'unused') {
        this.push({ at: Date.now(), kind: 'state', target: key, name: 'unused', detail: 'Target.NotRegistered' });
        this.last.set(key, 'unused');
      }
    }
  }

  async start(): Promise<void> {
    await this.poll();
    this.started = true;
    const loop = (): void => {
      this.timer = setTimeout(() => {
        this.polling = this.poll().then(loop);
      }, this.pollMs);
    };
    loop();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    clearTimeout(this.timer);
    await this.poll();
    this.events.sort((a, b) => a.at - b.at);
  }
}
