/**
 * Multi-byte reads for the per-packet path, through a DataView of the packet's buffer: TurboFan compiles
 * `getUint32` to one load, where four byte loads (each bounds-checked) and their shifts cost ~40
 * instructions a word (callgrind, Node 20). A reader hands on one buffer (its chunk) for hundreds of
 * packets, so the view is made once per buffer: `viewOf` keeps the last one.
 * Reads past the buffer throw (a byte load would read undefined): callers check lengths first, as before.
 */
let lastBuf: Uint8Array | undefined;
let lastView: DataView = new DataView(new ArrayBuffer(0));

export function viewOf(buf: Uint8Array): DataView {
  if (buf !== lastBuf) {
    lastView = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    lastBuf = buf;
  }
  return lastView;
}
