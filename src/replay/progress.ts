import type { ProgressSnapshot } from './types.js';

/** What the run will do, when known: the line then shows done/total, a percentage and an ETA. */
export interface ProgressPlan {
  totalRequests?: number;
  totalMs?: number;
}

const ms = (us: number): string => (us >= 10_000_000 ? `${(us / 1e6).toFixed(1)}s` : `${(us / 1000).toFixed(us < 10_000 ? 2 : 0)}ms`);
const secs = (t: number): string => (t >= 3600_000 ? `${Math.floor(t / 3600_000)}h${Math.floor((t % 3600_000) / 60_000)}m` : t >= 60_000 ? `${Math.floor(t / 60_000)}m${Math.round((t % 60_000) / 1000)}s` : `${Math.round(t / 1000)}s`);

/**
 * The progress line a person reads: done/total (%), rate, latency p50/p99 so far, errors, ETA.
 * Several targets: the slowest target's percentiles (the one to worry about). The `final` line has no
 * ETA, and a percentage only of a request count (a timed run ends with its last request, short of 100%).
 */
export function progressLine(label: string, p: ProgressSnapshot, plan: ProgressPlan, ratePerS: number, final = false): string {
  let p50 = 0, p99 = 0;
  for (const t of p.targets ?? []) {
    if (t.rawLatency.totalCount === 0) continue;
    p50 = Math.max(p50, t.rawLatency.getValueAtPercentile(50));
    p99 = Math.max(p99, t.rawLatency.getValueAtPercentile(99));
  }
  const share = plan.totalRequests ? p.completed / plan.totalRequests : plan.totalMs && !final ? p.elapsedMs / plan.totalMs : undefined;
  const done = plan.totalRequests ? `${p.completed}/${plan.totalRequests}` : `${p.completed}`;
  const pct = share === undefined ? '' : ` (${Math.min(100, Math.floor(share * 100))}%)`;
  const left = plan.totalRequests ? (ratePerS > 0 ? ((plan.totalRequests - p.completed) / ratePerS) * 1000 : undefined) : plan.totalMs ? plan.totalMs - p.elapsedMs : undefined;
  const eta = left === undefined || final ? '' : `  ETA ${secs(Math.max(0, left))}`;
  const lat = p50 || p99 ? `  p50 ${ms(p50)} p99 ${ms(p99)}` : '';
  const dropped = p.dropped ? `  dropped ${p.dropped}` : '';
  return `${label} ${secs(p.elapsedMs)}  done ${done}${pct}  ${Math.round(ratePerS)}/s${lat}  errors ${p.errors}${dropped}${eta}`;
}

/**
 * Progress on stderr. `live` (a TTY, or --progress): the first snapshot at once, then a line
 * redrawn in place on a TTY or a plain line every `everyMs` elsewhere. Not live: one final line.
 */
export function progressPrinter(label: string, plan: ProgressPlan, o: { live?: boolean; stream?: NodeJS.WritableStream & { isTTY?: boolean }; everyMs?: number } = {}): { update: (p: ProgressSnapshot) => void; end: () => void } {
  const stream = o.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const live = o.live ?? tty;
  const everyMs = o.everyMs ?? 5000;
  let lastPrinted = -Infinity;
  let prev = { at: 0, completed: 0 };
  let last: ProgressSnapshot | undefined;
  let rate = 0;
  return {
    update(p) {
      const dt = (p.elapsedMs - prev.at) / 1000;
      if (dt > 0) rate = (p.completed - prev.completed) / dt;
      prev = { at: p.elapsedMs, completed: p.completed };
      last = p;
      if (!live) return;
      const line = progressLine(label, p, plan, rate);
      if (tty) stream.write(`\r\x1b[2K${line}`);
      else if (p.elapsedMs - lastPrinted >= everyMs) {
        lastPrinted = p.elapsedMs;
        stream.write(`${line}\n`);
      }
    },
    end() {
      if (tty && live) stream.write('\n');
      // The final line: the whole run's average rate, so it does not depend on the last second.
      if (last && !tty) stream.write(`${progressLine(label, last, plan, last.elapsedMs > 0 ? (last.completed * 1000) / last.elapsedMs : 0, true)}\n`);
    },
  };
}
