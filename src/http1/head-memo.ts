import { headerText, parseHeadText, type Head, type Kind, type LatinSlicer } from './head.js';

const LF = 10;

/** Heads longer than this are not remembered: a connection holds at most this much for it. */
export const MAX_MEMO_BYTES = 2048;

/**
 * The last head read on one direction of one connection. Keep-alive traffic repeats heads byte for byte
 * (a client's requests to one resource, a server's answers within one second of Date): a head equal to
 * the last one is a copy of its parse (one string comparison instead of finding its end and splitting
 * every line), sharing its Header objects. A parse depends on nothing but the bytes, the kind and the mode, which a parser keeps
 * for its life, so the copy is exactly what parsing would give. Shared Headers are frozen: nothing may
 * change a parsed header in place (redaction builds new ones), and a writer may cache per Header object.
 */
export class HeadMemo {
  private text = '';
  private head: Head | undefined = undefined;
  private frozen = false;

  constructor(
    private readonly kind: Kind,
    private readonly summary: boolean,
  ) {}

  /** Bytes of the last head (0 when there is none). */
  get length(): number {
    return this.text.length;
  }

  /**
   * The parse of the last head when buf[start..) starts with the same bytes, else undefined. Equal bytes
   * end where the last head ended: it ended at its first blank line, so they do too.
   */
  again(buf: Buffer, start: number, end: number): Head | undefined {
    const n = this.text.length;
    // Its last byte (LF) where the copy would end, before slicing anything.
    if (this.head === undefined || start + n > end || buf[start + n - 1] !== LF) return undefined;
    if ((buf as LatinSlicer).latin1Slice(start, start + n) !== this.text) return undefined;
    return this.repeat();
  }

  /** A copy of the last head's parse; its Headers are frozen the first time they are shared. */
  private repeat(): Head {
    const last = this.head!;
    if (!this.frozen) {
      for (const h of last.headers) Object.freeze(h);
      this.frozen = true;
    }
    return last.sameHead();
  }

  /** parseHead of the head buf[start..end) (when again() found none), remembered for the next one. */
  parse(buf: Buffer, start: number, end: number): Head | undefined {
    const latin1 = (buf as LatinSlicer).latin1Slice(start, end);
    const head = parseHeadText(this.kind, headerText(buf, start, end, latin1), this.summary);
    if (head !== undefined && latin1.length <= MAX_MEMO_BYTES) {
      this.text = latin1;
      this.head = head.sameHead(); // its own list: the message's own may be handed on and changed
      this.frozen = false;
    }
    return head;
  }
}
