import { Buffer } from 'node:buffer';
import { pipeline, Readable } from 'node:stream';
import { constants, createGunzip, gunzipSync } from 'node:zlib';

/** gzip's two magic bytes: a compressed capture is recognised by them, whatever the file is called. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The first bytes inside a gzip stream's head (a partial stream inflates as far as it goes), or empty. */
export function gunzipHead(head: Buffer): Buffer {
  try {
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

/** Where and how a gzip stream ended early: `inflated` bytes came out of it before. */
export interface GzipDamage {
  message: string;
  cut: boolean;
  inflated: number;
}

/**
 * The input's chunks, inflated when its first bytes are gzip's magic, else as they come. Chunks are copied
 * into the inflater because file readers reuse theirs (see fileChunks). A cut or damaged gzip stream ends
 * the chunks where inflating stopped, with `onDamage` called: what inflated before it is kept, as for a
 * capture cut mid-record (an `onDamage` that throws makes it an error instead).
 */
export async function* maybeGunzip(input: AsyncIterable<Buffer> | Iterable<Buffer>, onDamage: (damage: GzipDamage) => void): AsyncGenerator<Buffer> {
  const it = Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : (input as Iterable<Buffer>)[Symbol.iterator]();
  async function* rest(copy: boolean): AsyncGenerator<Buffer> {
    for (let r = await it.next(); !r.done; r = await it.next()) yield copy ? Buffer.from(r.value) : r.value;
  }
  try {
    let head: Buffer = Buffer.alloc(0);
    // A stream may hand over a single byte first; two are needed to tell.
    for (let r; head.length < 2; ) {
      r = await it.next();
      if (r.done) break;
      head = head.length === 0 ? r.value : Buffer.concat([head, r.value]);
    }
    if (!isGzip(head)) {
      if (head.length > 0) yield head;
      if (head.length >= 2) yield* rest(false);
      return;
    }
    const first = Buffer.from(head);
    const inflater = createGunzip();
    pipeline(
      Readable.from((async function* () {
        yield first;
        yield* rest(true);
      })()),
      inflater,
      () => {}, // an error destroys the inflater with it, which the loop below sees
    );
    let inflated = 0;
    try {
      for await (const chunk of inflater) {
        inflated += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    } catch (err) {
      const m = (err as Error).message;
      const cut = /unexpected end/i.test(m);
      onDamage({ message: `gzip stream ${cut ? 'cut short' : `damaged (${m})`}`, cut, inflated });
    } finally {
      inflater.destroy();
    }
  } finally {
    // A generator (fileChunks) closes its file in return(); a Readable is its owner's to destroy.
    if (!(input instanceof Readable)) await it.return?.();
  }
}
