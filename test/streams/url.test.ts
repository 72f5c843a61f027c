import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStreamUrl, streamIdOf } from '../../src/streams/url.js';
import { shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

/** Issue 16: URL errors are exit 2 naming the part; the URL's password is never printed. */
const SECRET = 'hunter2-s3cret';
const dir = tempDir('shadowtap-stream-url-');

describe('redis:// stream URLs', () => {
  it('reads host, port, credentials, TLS, stream and options', () => {
    const u = parseStreamUrl(`rediss://app:${SECRET}@cache.example:6380/traffic?maxlen=5000&group=g&consumer=c1&from=2026-12-04T10:00:00Z&follow=true&claim-idle=5s`);
    expect(u).toMatchObject({ tls: true, host: 'cache.example', port: 6380, username: 'app', password: SECRET, stream: 'traffic' });
    expect(u.options).toEqual({ maxlen: 5000, group: 'g', consumer: 'c1', from: `${Date.parse('2026-12-04T10:00:00Z')}-0`, follow: true, claimIdleMs: 5000 });
    expect(u.shown).not.toContain(SECRET);
    expect(parseStreamUrl('redis://[::1]/s')).toMatchObject({ tls: false, host: '::1', port: 6379, stream: 's' });
    expect(streamIdOf('1733333333000-7')).toBe('1733333333000-7');
  });

  it.each([
    [`http://u:${SECRET}@h:1/s`, 'scheme'],
    [`redis://u:${SECRET}@h:99999/s`, 'port'],
    [`redis://u:${SECRET}@h:6379/`, 'stream name is missing'],
    [`redis://u:${SECRET}@h:6379/a/b`, 'must not contain "/"'],
    [`redis://u:${SECRET}@h:6379/s?maxlen=lots`, 'option maxlen'],
    [`redis://u:${SECRET}@h:6379/s?from=yesterday-ish`, 'option from'],
    [`redis://u:${SECRET}@h:6379/s?colour=blue`, 'unknown option "colour"'],
    [`redis://u:${SECRET}@h:6379/s#frag`, 'fragment'],
  ])('%s → names "%s", hides the password', (url, part) => {
    expect(() => parseStreamUrl(url)).toThrow(part);
    try {
      parseStreamUrl(url);
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
    }
  });

  it.each([
    [['record', '--listen', '127.0.0.1:0', '--upstream', 'http://127.0.0.1:9', '--out', `redis://u:${SECRET}@127.0.0.1:70000/s`], 'port must be 1-65535'],
    [['replay', `redis://u:${SECRET}@127.0.0.1:6379/`, '-t', 'http://127.0.0.1:9'], 'stream name is missing'],
    [['convert', `redis://u:${SECRET}@127.0.0.1:6379/s?nope=1`, 'x.jsonl'], 'unknown option "nope"'],
    [['replay', `redis://u:${SECRET}@127.0.0.1:6379/s`, '-t', 'http://127.0.0.1:9', '--from', 'soonish'], '--from: "soonish" is neither'],
    // One-shot reads fail on the first refusal (no reconnect retries), naming the URL and why.
    [['cat', `redis://u:${SECRET}@127.0.0.1:1/s`], 'cannot connect to Redis at 127.0.0.1:1: connect ECONNREFUSED'],
    [['convert', `redis://u:${SECRET}@127.0.0.1:1/s`, join(dir, 'never-written.jsonl')], `redis://u:***@127.0.0.1:1/s: cannot connect to Redis at 127.0.0.1:1: connect ECONNREFUSED`],
    [['replay', `redis://u:${SECRET}@127.0.0.1:6379/s`, '-t', 'http://127.0.0.1:9', '--workers', '2'], 'to spread a stream, run one'],
  ])('shadowtap %j → exit 2', async (args, message) => {
    const r = await shadowtap(args, { timeoutMs: 30_000 });
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});
