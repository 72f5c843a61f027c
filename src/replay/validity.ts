import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { RunValidity, ValidityLimits } from './types.js';

const RESOLUTION_MS = 10;

export const DEFAULT_LIMITS: Required<ValidityLimits> = { maxLagP99Ms: 10, maxEventLoopDelayP99Ms: 50, skipAfterMs: 1000 };

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

  finish(lagP99Ms: number, skipped: number, paced: boolean): RunValidity {
    this.loop.disable();
    const cpu = process.cpuUsage(this.cpu0);
    const wallMs = Math.max(1, performance.now() - this.t0);
    const cpuFraction = Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100) / 100;
    // The histogram holds whole timer periods (resolution included): the delay is what is beyond it.
    const loopP99 = this.loop.count ? Math.max(0, Math.round(this.loop.percentile(99) / 1e4 - RESOLUTION_MS * 100) / 100) : 0;
    const reasons: string[] = [];
    // With --speed 0 there is no schedule to keep: lag and a busy loop are the point, not a fault.
    if (paced) {
      if (lagP99Ms > this.limits.maxLagP99Ms) reasons.push(`schedule lag p99 ${lagP99Ms} ms > ${this.limits.maxLagP99Ms} ms: the generator could not keep the schedule`);
      if (skipped > 0) reasons.push(`${skipped} sends more than ${this.limits.skipAfterMs} ms late (skipped)`);
      if (loopP99 > this.limits.maxEventLoopDelayP99Ms) reasons.push(`event-loop delay p99 ${loopP99} ms > ${this.limits.maxEventLoopDelayP99Ms} ms`);
    }
    return { valid: reasons.length === 0, reasons, eventLoopDelayP99Ms: loopP99, cpu: cpuFraction, scheduleLagP99Ms: lagP99Ms, skipped };
  }
}
