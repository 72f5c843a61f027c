/**
 * Text from captured traffic or a remote service (a /test endpoint's Error strings, a recorded path)
 * may carry terminal control sequences: ESC [ … would recolour, move the cursor, retitle the window
 * or hide lines in a terminal or a CI log. Everything printed from such data passes through here.
 * Kept: printable characters, tab (unless `field`), and newline (unless `oneLine` or `field`). Shown as
 * \xNN or \u{NNNN}: C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a reader
 * sees. `field`: a column of a tab-separated line (`cat`'s listings), which a tab or newline would shift.
 */
export function printable(text: string, o: { oneLine?: boolean; field?: boolean } = {}): string {
  let out = '';
  let from = 0;
  const oneLine = o.oneLine === true || o.field === true;
  const tab = o.field === true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isControl(c, oneLine) && !(tab && c === 0x09)) continue;
    out += text.slice(from, i) + (c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u{${c.toString(16)}}`);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function isControl(c: number, oneLine: boolean): boolean {
  if (c < 0x20) return c === 0x09 ? false : c === 0x0a ? oneLine : true;
  if (c < 0x7f) return false;
  if (c <= 0x9f) return true;
  // LRM, RLM, LRE…RLO, LRI…PDI
  return c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}
