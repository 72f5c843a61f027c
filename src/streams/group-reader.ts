import { pause, retrying, type StreamClient } from './client.js';
import { entryOf, type StreamEntry } from './consumer.js';
import { lastId, READ_RETRY_MS } from './range-reader.js';

export interface GroupReader {
  reader: StreamClient;
  control: StreamClient;
  stream: string;
  group: string;
  consumer: string;
}

export interface GroupOptions {
  from?: string;
  follow?: boolean;
  claimIdleMs: number;
  signal?: AbortSignal;
  onRead: (n: number, claimed: boolean) => void;
}

const COUNT = 200;
const BLOCK_MS = 1000;

type Raw = { id: string; message: Record<string, string> };
const messagesOf = (reply: unknown): Raw[] => ((reply as { messages: Raw[] }[] | null)?.[0]?.messages ?? []);

/**
 * A consumer in a group. First this consumer's own pending entries (a restart under the same name),
 * then new ones (`>`), and every half `claimIdleMs` the entries other consumers left pending that long
 * (XAUTOCLAIM). Without `follow` it reads up to the stream's last id at start, then waits until no
 * other consumer holds an entry up to it — they acknowledge theirs, or die and theirs are claimed.
 */
export async function* groupEntries(g: GroupReader, o: GroupOptions): AsyncGenerator<StreamEntry[]> {
  const at = <T>(fn: () => Promise<T>): Promise<T | undefined> => retrying(fn, o.signal, READ_RETRY_MS);
  await at(() => createGroup(g, o.from ?? '0'));
  const end = o.follow ? undefined : await at(() => lastId(g.control, g.stream));
  const past = (id: string): boolean => end !== undefined && compareIds(id, end) >= 0;
  let own = '0';
  let fresh = !o.follow && end === undefined ? false : true;
  let nextClaim = Date.now() + o.claimIdleMs / 2;
  while (!o.signal?.aborted) {
    if (own) {
      // Pending entries of this consumer's earlier life: id 0 reads its pending list, not new entries.
      const mine = messagesOf(await at(() => g.reader.xReadGroup(g.group, g.consumer, { key: g.stream, id: own }, { COUNT })));
      own = mine.length ? mine[mine.length - 1]!.id : '';
      if (mine.length) yield read(mine, false);
      continue;
    }
    if (fresh) {
      const block = o.follow ? { BLOCK: BLOCK_MS } : {};
      const got = messagesOf(await at(() => g.reader.xReadGroup(g.group, g.consumer, { key: g.stream, id: '>' }, { COUNT, ...block })));
      // Up to now: the batch that passes the end is kept whole (taken is taken); nothing after it is read.
      if (!o.follow && (!got.length || past(got[got.length - 1]!.id))) fresh = false;
      if (got.length) yield read(got, false);
    }
    if (Date.now() >= nextClaim || !fresh) {
      const claimed = await claim(g, o, at);
      nextClaim = Date.now() + o.claimIdleMs / 2;
      if (claimed.length) {
        yield read(claimed, true);
        continue;
      }
    }
    if (fresh) continue;
    if (end === undefined || !(await othersHold(g, end, at))) return;
    // Someone else still holds entries up to the end: they ack them, or idle long enough to be claimed.
    await pause(Math.min(500, Math.max(50, o.claimIdleMs / 4)), o.signal);
    nextClaim = Math.min(nextClaim, Date.now());
  }

  function read(m: Raw[], claimed: boolean): StreamEntry[] {
    o.onRead(m.length, claimed);
    return m.map(entryOf);
  }
}

async function createGroup(g: GroupReader, from: string): Promise<void> {
  try {
    await g.control.xGroupCreate(g.stream, g.group, from, { MKSTREAM: true });
  } catch (err) {
    // The group exists: join it where it is (its position is shared; a start id applies only to a new group).
    if (!/BUSYGROUP/.test((err as Error).message)) throw err;
  }
}

/** One XAUTOCLAIM sweep over the whole pending list; entries trimmed from the stream meanwhile are left out (Redis drops them). */
async function claim(g: GroupReader, o: GroupOptions, at: <T>(fn: () => Promise<T>) => Promise<T | undefined>): Promise<Raw[]> {
  const out: Raw[] = [];
  let cursor = '0-0';
  for (let round = 0; round < 100; round++) {
    const r = await at(() => g.control.xAutoClaim(g.stream, g.group, g.consumer, o.claimIdleMs, cursor, { COUNT }));
    if (!r) break;
    for (const m of r.messages) if (m) out.push(m as unknown as Raw);
    cursor = r.nextId;
    if (cursor === '0-0' || out.length >= COUNT) break;
  }
  return out;
}

/** Does a consumer other than this one hold a pending entry up to `end`? */
async function othersHold(g: GroupReader, end: string, at: <T>(fn: () => Promise<T>) => Promise<T | undefined>): Promise<boolean> {
  let start = '-';
  for (let round = 0; round < 1000; round++) {
    const page = await at(() => g.control.xPendingRange(g.stream, g.group, start, end, 1000));
    if (!page?.length) return false;
    if (page.some((p) => p.consumer !== g.consumer)) return true;
    if (page.length < 1000) return false;
    start = `(${page[page.length - 1]!.id}`;
  }
  return true;
}

/** Orders stream ids ("ms-seq") numerically. */
export function compareIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  const d = BigInt(am!) - BigInt(bm!);
  if (d !== 0n) return d < 0n ? -1 : 1;
  const e = BigInt(as) - BigInt(bs);
  return e === 0n ? 0 : e < 0n ? -1 : 1;
}
