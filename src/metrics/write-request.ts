/**
 * Prometheus remote write 1.0 `WriteRequest`, encoded by hand. It is four tiny messages
 * (WriteRequest → TimeSeries → Label, Sample), so a protobuf library and its generated code (or a
 * runtime .proto parser) would be more code than the encoder; the field numbers are from
 * prometheus/prompb/types.proto and remote.proto.
 */

export interface Series {
  /** `__name__` and the other labels; sorted by name when encoded, as Prometheus requires. */
  labels: Record<string, string>;
  value: number;
  /** ms since the epoch */
  timestampMs: number;
}

const LEN = 2;
const I64 = 1;
const VARINT = 0;
const enc = new TextEncoder();

class Out {
  private readonly parts: number[] = [];
  varint(n: number): void {
    // Timestamps exceed 2^31: split by division, not bit shifts.
    while (n > 127) {
      this.parts.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    this.parts.push(n);
  }
  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(b.length);
    for (const x of b) this.parts.push(x);
  }
  double(field: number, v: number): void {
    this.tag(field, I64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    for (const x of b) this.parts.push(x);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function label(name: string, value: string): Uint8Array {
  const o = new Out();
  o.bytes(1, enc.encode(name));
  o.bytes(2, enc.encode(value));
  return o.done();
}

function sample(value: number, timestampMs: number): Uint8Array {
  const o = new Out();
  o.double(1, value);
  o.tag(2, VARINT);
  o.varint(Math.max(0, Math.round(timestampMs)));
  return o.done();
}

function timeSeries(s: Series): Uint8Array {
  const o = new Out();
  for (const name of Object.keys(s.labels).sort()) o.bytes(1, label(name, s.labels[name]!));
  o.bytes(2, sample(s.value, s.timestampMs));
  return o.done();
}

/** The protobuf bytes of a WriteRequest holding one sample per series (snappy-compress before sending). */
export function encodeWriteRequest(series: readonly Series[]): Uint8Array {
  const o = new Out();
  for (const s of series) o.bytes(1, timeSeries(s));
  return o.done();
}
