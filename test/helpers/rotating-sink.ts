import { RotatingFileSink, type RotatingOptions } from '../../src/io/outputs/rotating.js';

/** A rotating sink in `dir` that rotates only when told (1 GiB files, hourly), its log lines kept; `o` overrides. */
export function rotatingSink(dir: string, o: Partial<RotatingOptions> = {}): { s: RotatingFileSink; logs: string[] } {
  const logs: string[] = [];
  const s = new RotatingFileSink({
    dir,
    prefix: 'cap',
    maxFileBytes: 1 << 30,
    rotateEveryMs: 3_600_000,
    gzip: true,
    maxTotalBytes: 1 << 30,
    queueCapacity: 10_000,
    retryMs: 100,
    blocking: false,
    header: { source: { kind: 'test' } },
    log: (_l, msg) => logs.push(msg),
    ...o,
  });
  return { s, logs };
}
