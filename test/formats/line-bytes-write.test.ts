import { Writable } from 'node:stream';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BATCH_BYTES, LineBytes } from '../../src/formats/line-bytes.js';

/** A stream that takes writes at once (room for many) but finishes each later, copying what it got then. */
function slowSink(): { out: Writable; got: Buffer[]; writes: number[] } {
  const got: Buffer[] = [];
  const writes: number[] = [];
  const take = (chunks: Buffer[], cb: () => void): void => {
    writes.push(chunks.length);
    setTimeout(() => {
      for (const c of chunks) got.push(Buffer.from(c));
      cb();
    }, 1);
  };
  const out = new Writable({
    highWaterMark: 4 * BATCH_BYTES,
    write: (chunk: Buffer, _enc, cb) => take([chunk], cb),
    writev: (chunks, cb) => take(chunks.map((c) => c.chunk as Buffer), cb),
  });
  return { out, got, writes };
}

describe('LineBytes.writeTo', () => {
  it('hands out every line once, in order, while earlier buffers are still being written and then refilled', async () => {
    const { out, got, writes } = slowSink();
    const lines = new LineBytes();
    const expected: string[] = [];
    // ~3 MB of lines, some longer than a buffer, flushed at every 64 KiB as the capture writer does.
    for (let i = 0; i < 12_000; i++) {
      const text = i % 997 === 0 ? `${i}:${'y'.repeat(BATCH_BYTES + (i % 13))}` : `${i}:${String(i * 7919).repeat(1 + (i % 40))}`;
      lines.str(text);
      lines.endLine();
      expected.push(JSON.stringify(text));
      if (lines.pending >= BATCH_BYTES && !lines.writeTo(out)) await once(out, 'drain');
    }
    lines.writeTo(out);
    out.end();
    await once(out, 'finish');
    expect(Buffer.concat(got).toString('utf8')).toBe(expected.join('\n') + '\n');
    // Some flushes carried more than one buffer (one writev), so buffers were retired and refilled.
    expect(writes.some((n) => n > 1)).toBe(true);
  });
});
