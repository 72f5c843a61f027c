import type { ProgressSnapshot } from './types.js';

/**
 * Progress on stderr: a line redrawn in place on a TTY, otherwise a plain line every `everyMs`
 * (logs and CI keep every line, so they are spaced out).
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000): { update: (p: ProgressSnapshot) => void; end: () => void } {
  const tty = Boolean(stream.isTTY);
  let lastPrinted = -Infinity;
  let prev = { at: 0, completed: 0 };
  return {
    update(p) {
      const dt = (p.elapsedMs - prev.at) / 1000;
      const rate = dt > 0 ? Math.round((p.completed - prev.completed) / dt) : 0;
      prev = { at: p.elapsedMs, completed: p.completed };
      const line = `replay ${(p.elapsedMs / 1000).toFixed(0)}s  sent ${p.scheduled}  done ${p.completed}  ${rate}/s  errors ${p.errors}  dropped ${p.dropped}  in flight ${p.inFlight}`;
      if (tty) stream.write(`\r\x1b[2K${line}`);
      else if (p.elapsedMs - lastPrinted >= everyMs) {
        lastPrinted = p.elapsedMs;
        stream.write(`${line}\n`);
      }
    },
    end() {
      if (tty) stream.write('\n');
    },
  };
}
