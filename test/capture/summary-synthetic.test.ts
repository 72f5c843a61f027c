import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exchangesFromPcapFile } from '../../src/capture/input-file.js';
import { runCat } from '../../src/cli/commands/cat.js';
import { tsvLine } from '../helpers/listing.js';
import { classicPcap, frame, pcapng, tcpPacket, type Rec } from '../helpers/capture-packets.js';
import { tempDir } from '../helpers/tmp.js';

// The summary driver of the head parser (what `cat FILE` in tsv runs: no header lists, only
// what the listing prints) against the full parse, on conversations made to hit its edges: unusual
// heads and framing, segments cut anywhere, reordered, repeated or lost, flows ending early, ports
// reused, idle expiry, and every file flavour. The listing must be the full parse's, byte for byte.

const dir = tempDir('shadowtap-summary-synthetic-');

const REQUESTS = [
  'GET /a?b=c HTTP/1.1\r\nHost: h\r\n\r\n',
  'HEAD /head HTTP/1.1\r\nHost: h\r\n\r\n',
  'POST /p HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world',
  'POST /c HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n',
  'PUT /e HTTP/1.1\r\nExpect: 100-continue\r\ncontent-length : 3\r\n\r\nabc',
  'GET /v HTTP/1.0\r\n\r\n',
  `GET /long HTTP/1.1\r\nCookie: ${'c'.repeat(3000)}\r\n\r\n`,
  'CONNECT a.test:443 HTTP/1.1\r\n\r\n',
  'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n',
  'get /lower HTTP/1.1\r\n\r\n',
  'GET /v2 HTTP/1.2\r\n\r\n',
  'GET /fold HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n',
  'GET /caf\xe9 HTTP/1.1\r\n\r\n',
  'POST /two HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok',
  'GARBAGE\r\n',
  'GET /lf HTTP/1.1\nHost: h\n\n',
];
const RESPONSES = [
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
  'HTTP/1.1 204 No Content\r\n\r\n',
  'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n',
  'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nwiki\r\n 5 \r\npedia\r\n0\r\nT: v\r\n\r\n',
  'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nUpgrade: h2c\r\nContent-Length: 2\r\n\r\nok',
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello',
  'HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 \xc3\xa9\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
  'junk\r\n',
  'HTTP/1.0 200 OK\r\n\r\nuntil the close',
];

interface Conversation {
  exchanges: [number, number][];
  pipelined: boolean;
  handshake: boolean;
  end: 'fin' | 'rst' | 'none';
  cuts: number[];
  sport: number;
}

/** The first `usual` templates are everyday shapes; the rest unusual ones. Mostly the usual. */
const template = (n: number, usual: number): fc.Arbitrary<number> =>
  fc.oneof({ weight: 6, arbitrary: fc.nat(usual - 1) }, { weight: 1, arbitrary: fc.integer({ min: usual, max: n - 1 }) });

const conversation: fc.Arbitrary<Conversation> = fc.record({
  exchanges: fc.array(fc.tuple(template(REQUESTS.length, 6), template(RESPONSES.length, 6)), { minLength: 1, maxLength: 4 }),
  pipelined: fc.boolean(),
  handshake: fc.boolean(),
  end: fc.constantFrom('fin' as const, 'rst' as const, 'none' as const),
  cuts: fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 6 }),
  sport: fc.constantFrom(40000, 40001, 40002),
});

interface Mutation {
  kind: 'none' | 'swap' | 'dup' | 'drop' | 'idle';
  at: number;
}

interface CaptureSpec {
  conversations: Conversation[];
  interleave: number[];
  mutations: Mutation[];
  family: 4 | 6;
  file: 'pcap' | 'pcap-be-ns' | 'pcapng' | 'pcapng-ns' | 'sll2';
}

const capture: fc.Arbitrary<CaptureSpec> = fc.record({
  conversations: fc.array(conversation, { minLength: 1, maxLength: 3 }),
  interleave: fc.array(fc.nat(2), { maxLength: 200 }),
  mutations: fc.array(fc.record({ kind: fc.constantFrom('none' as const, 'swap' as const, 'dup' as const, 'drop' as const, 'idle' as const), at: fc.nat(400) }), { maxLength: 4 }),
  family: fc.constantFrom(4 as const, 6 as const),
  file: fc.constantFrom('pcap', 'pcap-be-ns', 'pcapng', 'pcapng-ns', 'sll2'),
});

type Packet = { ip: Buffer; gapUs: number };

/** The packets of one conversation, in the order the wire had them. */
function packetsOf(c: Conversation, family: 4 | 6): Packet[] {
  const src = family === 4 ? [127, 0, 0, 1] : [0xfd, ...Array(14).fill(0), 1];
  const dst = family === 4 ? [127, 0, 0, 2] : [0xfd, ...Array(14).fill(0), 2];
  let cseq = 1000 + c.sport;
  let sseq = 0xfffff000; // the server's sequence numbers wrap
  const out: Packet[] = [];
  const send = (fromClient: boolean, flags: string, payload = Buffer.alloc(0)): void => {
    const [s, d, sp, dp, seq, ack] = fromClient ? [src, dst, c.sport, 80, cseq, sseq] : [dst, src, 80, c.sport, sseq, cseq];
    out.push({ ip: tcpPacket({ family, src: s, dst: d, sport: sp, dport: dp, seq, ack, flags, payload }), gapUs: 1 + (out.length % 7) * 300 });
    const n = payload.length + (flags.includes('S') || flags.includes('F') ? 1 : 0);
    if (fromClient) cseq = (cseq + n) >>> 0;
    else sseq = (sseq + n) >>> 0;
  };
  const segments = (fromClient: boolean, text: string): void => {
    const bytes = Buffer.from(text, 'latin1');
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const n = c.cuts[i % c.cuts.length]! * (i % 2 === 0 ? 1 : 37);
      send(fromClient, 'PA', bytes.subarray(at, at + n));
      at += n;
    }
  };
  if (c.handshake) {
    send(true, 'S');
    send(false, 'SA');
    send(true, 'A');
  }
  const requests = c.exchanges.map(([q]) => REQUESTS[q]!);
  const responses = c.exchanges.map(([, r]) => RESPONSES[r]!);
  if (c.pipelined) {
    segments(true, requests.join(''));
    segments(false, responses.join(''));
  } else c.exchanges.forEach((_, i) => (segments(true, requests[i]!), segments(false, responses[i]!)));
  if (c.end === 'fin') {
    send(true, 'FA');
    send(false, 'FA');
    send(true, 'A');
  } else if (c.end === 'rst') send(false, 'R');
  return out;
}

function build(spec: CaptureSpec): Buffer {
  const queues = spec.conversations.map((c) => packetsOf(c, spec.family));
  const order: Packet[] = [];
  for (let i = 0; queues.some((q) => q.length > 0); i++) {
    const pick = spec.interleave[i] ?? 0;
    const q = queues.find((_, k) => k >= pick % queues.length && queues[k]!.length > 0) ?? queues.find((x) => x.length > 0)!;
    order.push(q.shift()!);
  }
  for (const m of spec.mutations) {
    const i = m.at % order.length;
    if (m.kind === 'swap' && i + 1 < order.length) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
    else if (m.kind === 'dup') order.splice(i, 0, order[i]!);
    else if (m.kind === 'drop' && order.length > 1) order.splice(i, 1);
    else if (m.kind === 'idle') order[i] = { ...order[i]!, gapUs: [31e6, 301e6][m.at % 2]! };
  }
  let ts = 1_700_000_000_000_000;
  const link = spec.file === 'sll2' ? 276 : 1;
  const recs: Rec[] = order.map((p) => ({ tsUs: (ts += p.gapUs), data: frame(link, p.ip) }));
  if (spec.file === 'pcap' || spec.file === 'sll2') return classicPcap(recs, { linkType: link });
  if (spec.file === 'pcap-be-ns') return classicPcap(recs, { linkType: link, nano: true, bigEndian: true });
  return pcapng([{ linkType: link, ...(spec.file === 'pcapng-ns' ? { tsresol: 9 } : {}) }], recs.map((r) => ({ ...r, iface: 0 })));
}

/** What `cat FILE` prints, and the error it ends with. */
async function cat(file: string): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _e, cb) {
      text += chunk.toString('latin1');
      cb();
    },
  });
  try {
    await runCat({ files: [file], format: 'tsv', 'skip-invalid': false }, out);
  } catch (err) {
    text += `\nERROR ${(err as Error).message}`;
  }
  return text;
}

/** The tsv lines of the full parse (every header, every body), and the error it ends with. */
async function full(file: string): Promise<string> {
  let text = '';
  try {
    for await (const ex of exchangesFromPcapFile(file)) text += Buffer.from(tsvLine(ex)).toString('latin1');
  } catch (err) {
    text += `\nERROR ${(err as Error).message}`;
  }
  return text;
}

const warnings = (): (() => void) => {
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  return () => void (process.stderr.write = write);
};

const RUNS = Number(process.env.SUMMARY_FUZZ_RUNS ?? 200);

describe('the tsv listing (summary driver) on synthetic conversations', () => {
  it('prints the tsv lines of the full parse', async () => {
    const restore = warnings();
    let n = 0;
    let lines = 0;
    try {
      await fc.assert(
        fc.asyncProperty(capture, fc.nat(1000), async (spec, cutAt) => {
          const bytes = build(spec);
          const file = join(dir, `c${n++ % 8}.pcap`);
          // Some files are cut mid-record, as a killed tcpdump leaves them.
          writeFileSync(file, cutAt % 5 === 0 ? bytes.subarray(0, bytes.length - 1 - (cutAt % 40)) : bytes);
          const listed = await cat(file);
          expect(listed).toBe(await full(file));
          lines += listed.split('\n').length - 1;
        }),
        { numRuns: RUNS },
      );
    } finally {
      restore();
    }
    expect(lines).toBeGreaterThan(RUNS); // not a property that holds because nothing is listed
  }, 120_000);

  it('random bytes after a valid header, and byte flips of a conversation, never differ and never hang', async () => {
    const restore = warnings();
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(capture, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 12 }), async (spec, flips) => {
          const bytes = Buffer.from(build(spec));
          for (const [at, v] of flips) bytes[24 + (at % (bytes.length - 24))] = v;
          const file = join(dir, `f${n++ % 8}.pcap`);
          writeFileSync(file, bytes);
          expect(await cat(file)).toBe(await full(file));
        }),
        { numRuns: RUNS },
      );
    } finally {
      restore();
    }
  }, 120_000);
});
