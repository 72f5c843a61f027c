import { gunzipHead, isGzip } from './gunzip.js';

/*
 * A capture file's magic numbers, apart from its parsers: the input registry tells stdin's kind by them
 * without loading the reader and its parsers (~8 ms of a command on a .jsonl file).
 */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAPNG_SHB = 0x0a0d0d0a;

/** Do these first bytes start a pcap (either byte order, µs or ns) or pcapng file? */
export function isCaptureMagic(head: Buffer): boolean {
  if (isGzip(head)) head = gunzipHead(head);
  if (head.length < 4) return false;
  const le = head.readUInt32LE(0);
  const be = head.readUInt32BE(0);
  return le === PCAPNG_SHB || [PCAP_MAGIC_US, PCAP_MAGIC_NS].some((m) => m === le || m === be);
}
