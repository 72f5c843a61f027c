import { SharedHeaderCache, type Header } from '../exchange.js';
import { flat, piece, textOf, type JsonSink, type Piece } from './json-pieces.js';

/*
 * A HAR header list, written from pieces: real traffic repeats header lines exactly (Server, Content-Type,
 * Connection, this second's Date), so a line's JSON is made once and copied; a name's opening
 * (`{"name":…,"value":`) is kept even when its values do not repeat (request ids, cookies).
 */

interface NameEntry {
  head: Piece;
  /** Whole lines by value; undefined once this name's values are seen not to repeat. */
  values: Map<string, Piece> | undefined;
  hits: number;
  misses: number;
}

// Bounds: names and values per name kept (a map of values is emptied when full), and a value's length.
const NAMES_MAX = 512;
const VALUES_MAX = 32;
const VALUE_CHARS = 256;
const names = new Map<string, NameEntry>();

const NAME = piece('{"name":');
const VALUE = piece(',"value":');

/**
 * The lines last written at each position of a kind of list (request headers, response headers), and
 * the whole list when it repeats: messages of one service list the same headers in the same order, and
 * comparing two short strings costs less than hashing one for a map lookup.
 */
export interface HeaderMemo {
  slots: (Slot | undefined)[];
  /** slots[0..listLength) joined, once the same list was seen twice in a row. */
  list: Piece | undefined;
  listLength: number;
}
interface Slot {
  name: string;
  value: string;
  piece: Piece;
}
const POSITIONS = 32;

export const headerMemo = (): HeaderMemo => ({ slots: new Array<Slot | undefined>(POSITIONS).fill(undefined), list: undefined, listLength: 0 });

/** Lists of shared (frozen) Header objects written before: one lookup for the whole list. */
const lists = new SharedHeaderCache<Piece>();

/** An array of headers as JSON.stringify writes it (a header of another shape through the generic walk). */
export function writeHeaders(o: JsonSink, hs: readonly Header[], memo: HeaderMemo): void {
  // Lists of a message's own (unfrozen) Header objects are never kept: asked on a miss only, before making
  // keep()'s closure (Object.isFrozen is a call into C++: asked of every list, it cost ~1,100 instructions an exchange).
  if (hs.length <= POSITIONS) {
    const p = lists.get(hs) ?? (lists.mayHold(hs) ? lists.keep(hs, () => piece(textOf((t, list: readonly Header[]) => writeList(t, list, memo), hs))) : undefined);
    if (p !== undefined) return o.piece(p);
  }
  writeList(o, hs, memo);
}

function writeList(o: JsonSink, hs: readonly Header[], memo: HeaderMemo): void {
  const n = hs.length;
  if (memo.list !== undefined && memo.listLength === n && sameLines(hs, memo.slots)) return o.piece(memo.list);
  // Whether every line is the one last written at its position: the list repeats.
  let same = n > 0 && n <= POSITIONS;
  for (let i = 0; i < n; i++) {
    if (i > 0) o.raw(',');
    const h = hs[i]!;
    if (!isPlainHeader(h)) {
      flat(o, h);
      same = false;
      continue;
    }
    const { name, value } = h;
    const s = i < POSITIONS ? memo.slots[i] : undefined;
    if (s !== undefined && s.name === name && s.value === value) o.piece(s.piece);
    else {
      same = false;
      const p = writeHeader(o, name, value);
      if (i < POSITIONS) memo.slots[i] = p && { name, value, piece: p };
    }
  }
  memo.list = same ? piece(memo.slots.slice(0, n).map((s) => s!.piece.text).join(',')) : undefined;
  memo.listLength = n;
}

function sameLines(hs: readonly Header[], slots: readonly (Slot | undefined)[]): boolean {
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!;
    const s = slots[i];
    if (s === undefined || s.name !== h.name || s.value !== h.value || !isPlainHeader(h)) return false;
  }
  return true;
}

/** Writes one header; its piece when it has one. */
function writeHeader(o: JsonSink, name: string, value: string): Piece | undefined {
  let e = names.get(name);
  if (e === undefined) {
    if (names.size >= NAMES_MAX) {
      o.piece(NAME);
      o.str(name);
      o.piece(VALUE);
      o.str(value);
      o.raw('}');
      return undefined;
    }
    e = { head: piece(`{"name":${JSON.stringify(name)},"value":`), values: new Map(), hits: 0, misses: 0 };
    names.set(name, e);
  }
  const vs = e.values;
  if (vs !== undefined && value.length <= VALUE_CHARS) {
    let p = vs.get(value);
    if (p !== undefined) {
      e.hits++;
      o.piece(p);
      return p;
    }
    // Values that rarely repeat are not worth a line each.
    if (++e.misses > 16 + 2 * e.hits) e.values = undefined;
    else {
      if (vs.size >= VALUES_MAX) vs.clear();
      p = piece(`${e.head.text}${JSON.stringify(value)}}`);
      vs.set(value, p);
      o.piece(p);
      return p;
    }
  }
  o.piece(e.head);
  o.str(value);
  o.raw('}');
  return undefined;
}

/**
 * A header with exactly its two fields, in order (as every reader makes them), strings, and no toJSON:
 * written without the generic walk. (for...in lists inherited enumerable keys too, so a prototype's
 * fields fail the test as well; looking toJSON up costs less than reading the prototype.)
 */
function isPlainHeader(h: Header): boolean {
  let n = 0;
  for (const k in h) {
    if (k !== (n === 0 ? 'name' : 'value') || ++n > 2) return false;
  }
  return n === 2 && typeof h.name === 'string' && typeof h.value === 'string' && (h as { toJSON?: unknown }).toJSON === undefined;
}
