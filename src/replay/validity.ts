import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { RunValidity, TargetSummary, ValidityLimits } from './types.js';

const RESOLUTION_MS = 10;

export const DEFAULT_LIMITS: Required<ValidityLimits> = { maxLagP99Ms: 10, maxEventLoopDelayP99Ms: 50, maxShareOfLatency: 0.2, skipAfterMs: 1000 };

/**
 * Watches the generator itself: event-loop delay (a blocked loop sends late) and CPU (a saturated
 * generator cannot keep a schedule). Together with schedule lag and skipped sends this decides
 * whether the numbers describe the target or the load generator.
 */
export class ValidityMonitor {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly cpu0 = process.cpuUsage();
  private readonly t0 = performance.now();

  constructor(private readonly limits: Required<ValidityLimits>) {
    this.loop.enable();
  }

  /** `targets`: what was measured, so lag is judged by how much of the measured latency it can be. */
  finish(lagP99Ms: number, skipped: number, paced: boolean, targets: readonly TargetSummary[] = []): RunValidity {
    this.loop.disable();
    const cpu = process.cpuUsage(this.cpu0);
    const wallMs = Math.max(1, performance.now() - this.t0);
    const cpuFraction = Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100) / 100;
    // The histogram holds whole timer periods (resolution included): the delay is what is beyond it.
    const loopP99 = this.loop.count ? Math.max(0, Math.round(this.loop.percentile(99) / 1e4 - RESOLUTION_MS * 100) / 100) : 0;
    const reasons: string[] = [];
    // With --speed 0 there is no schedule to keep: lag and a busy loop are the point, not a fault.
    if (paced) {
      const lag = this.lagBeyond(lagP99Ms, targets);
      if (lag) reasons.push(`schedule lag p99 ${lagP99Ms} ms > ${lag}: the generator could not keep the schedule`);
      // Still sent and measured (the summary's `skipped` counts them): "skipped" here read as never sent.
      if (skipped > 0) reasons.push(`${skipped} sends more than ${this.limits.skipAfterMs} ms late`);
      // Not relative: a stalled loop also reads responses late, inflating the raw latency it would be judged against.
      if (loopP99 > this.limits.maxEventLoopDelayP99Ms) reasons.push(`event-loop delay p99 ${loopP99} ms > ${this.limits.maxEventLoopDelayP99Ms} ms`);
    }
    return { valid: reasons.length === 0, reasons, eventLoopDelayP99Ms: loopP99, cpu: cpuFraction, scheduleLagP99Ms: lagP99Ms, skipped };
  }

  /**
   * Lag distorts a measurement by its share of what is measured: latency from intended time
   * already includes it, so 31 ms on requests that take 300 ms is a small, reported distortion,
   * while on 2 ms requests it is the whole number. Lag invalidates a run only past the absolute
   * floor AND past that share of the fastest target's raw latency p99 (successful requests); the
   * text of the limit it broke, or undefined.
   */
  private lagBeyond(lagMs: number, targets: readonly TargetSummary[]): string | undefined {
    const raw = targets.map((t) => t.rawLatency.p99).filter((v) => v > 0);
    const latencyMs = raw.length ? Math.min(...raw) : 0;
    const { maxLagP99Ms: floorMs, maxShareOfLatency: share } = this.limits;
    if (!(lagMs > floorMs) || !(lagMs > share * latencyMs)) return undefined;
    return latencyMs ? `${floorMs} ms and > ${Math.round(share * 100)} % of the raw latency p99 (${latencyMs} ms)` : `${floorMs} ms`;
  }
}
