import { Buffer } from 'node:buffer';
import { createHmac, randomBytes } from 'node:crypto';
import { InputError } from '../../errors.js';
import { hmacSha256Hex } from './hmac-sha256.js';
import { memoised } from './memo.js';

/** Where a key came from: named in error messages and in the capture file's first line. */
export type KeySource = 'SHADOWTAP_REDACT_KEY' | 'random' | string;

export interface RedactKey {
  bytes: Buffer;
  source: KeySource;
}

const MIN_BYTES = 16;
const MIN_DISTINCT = 8;

/**
 * A key anyone can guess turns every hash into a test for guessed secrets, so it is refused (exit 2):
 * fewer than 16 bytes, fewer than 8 different bytes ("aaaa…", "passwordpassword"), or a run such as
 * "0123456789abcdef".
 */
export function checkKey(bytes: Buffer, source: KeySource): Buffer {
  const why =
    bytes.length < MIN_BYTES
      ? `${bytes.length} bytes, at least ${MIN_BYTES} needed`
      : new Set(bytes).size < MIN_DISTINCT
        ? `only ${new Set(bytes).size} different characters`
        : isRun(bytes)
          ? 'a run of consecutive characters'
          : undefined;
  if (why) throw new InputError(`${source}: the redaction key is guessable (${why}); use a random one, e.g. \`openssl rand -hex 32\``);
  return bytes;
}

function isRun(b: Buffer): boolean {
  const step = b[1]! - b[0]!;
  if (Math.abs(step) !== 1) return false;
  for (let i = 2; i < b.length; i++) if (b[i]! - b[i - 1]! !== step) return false;
  return true;
}

// The key of this process: the configured one, set once at the edge (cli/main.ts from
// config/settings.ts), else one random key, so equal secrets hash equal across every output of a run.
let configured: string | undefined;
let processKey: RedactKey | undefined;

/** Sets the configured key (SHADOWTAP_REDACT_KEY as read by config/settings.ts); checked when first used. */
export function setProcessKey(value: string | undefined): void {
  configured = value === '' ? undefined : value;
  processKey = undefined;
}

/** The configured key (refused with exit 2 when guessable), else one random key for this process. */
export function processRedactKey(): RedactKey {
  processKey ??= configured !== undefined ? { bytes: checkKey(Buffer.from(configured, 'utf8'), 'SHADOWTAP_REDACT_KEY'), source: 'SHADOWTAP_REDACT_KEY' } : { bytes: randomBytes(32), source: 'random' };
  return processKey;
}

/**
 * Names the key without revealing it: two captures whose `keyId` match have comparable hashes.
 * An HMAC of a fixed text, so it is no more help to a guesser than any other hash in the file.
 */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('shadowtap redaction key id').digest('hex').slice(0, 8);
}

const ALREADY = /^redacted:[0-9a-f]{16}$/;
const ALREADY_LENGTH = 'redacted:'.length + 16;

/**
 * `redacted:<first 16 hex of HMAC-SHA256(key, value)>`. Idempotent: a value that is already a
 * redaction stays as it is, so converting a redacted capture (under any key) keeps the hashes that
 * credential maps for staging are keyed on.
 */
export function hasher(key: Buffer): (value: string) => string {
  const mac = hmacSha256Hex(key, 16);
  // The length first: a regular expression call per value costs more than most values' test needs.
  const hmac = (v: string): string => (v.length === ALREADY_LENGTH && ALREADY.test(v) ? v : `redacted:${mac(v)}`);
  // Remembered by value: the answer depends on the value and this hasher's key only.
  return memoised(hmac, MEMO_MAX_CHARS, MEMO_ENTRIES);
}

/** Values longer than this are hashed every time: secrets are short. */
export const MEMO_MAX_CHARS = 256;
/** Values remembered per generation (two generations: at most twice this many). */
export const MEMO_ENTRIES = 2048;
