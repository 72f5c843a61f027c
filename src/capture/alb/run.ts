import type { Exchange } from '../../exchange.js';
import type { RedactPolicy } from '../../stages/redact/index.js';
import { writeExchanges } from '../../formats/write.js';
import { newAlbStats, readAlbLogs } from '../input-alb-logs.js';

export interface AlbCaptureOptions {
  paths: string[];
  out: string;
  redaction: RedactPolicy;
  maxExchanges?: number | undefined;
}

/** Warnings printed one by one at most; the rest are only counted (a bad log can have millions). */
const SHOWN_WARNINGS = 20;

/** `shadowtap capture --alb-logs FILE|DIR… --out FILE`: ALB access logs → an exchange file. */
export async function runAlbCapture(o: AlbCaptureOptions): Promise<void> {
  const stats = newAlbStats();
  let shown = 0;
  const source = readAlbLogs(o.paths, {
    stats,
    onWarning: (m) => {
      if (shown++ < SHOWN_WARNINGS) process.stderr.write(`warning: ${m}\n`);
    },
  });
  async function* limited(): AsyncGenerator<Exchange> {
    let n = 0;
    for await (const ex of source) {
      if (o.maxExchanges !== undefined && n++ >= o.maxExchanges) return;
      yield ex;
    }
  }
  const written = await writeExchanges(o.out, limited(), { source: { kind: 'alb-log', paths: o.paths }, redaction: o.redaction });
  process.stderr.write(
    `alb logs: ${stats.files} files, ${stats.lines} lines, ${written} exchanges written, ${stats.skipped} without a parsed request, ${stats.malformed} malformed` +
      (stats.malformed ? ` (first at ${stats.malformedAt.slice(0, 5).join(', ')})` : '') +
      '\n',
  );
}
