import { describe, expect, it } from 'vitest';
import { targetsOf } from '../../src/replay/replay-targets.js';
import { replayArgv } from './replay-argv.js';

const targets = async (...urls: string[]): Promise<string[]> => targetsOf(await replayArgv(['c.jsonl'], urls.flatMap((u) => ['-t', u]))).targets.map((t) => t.url);

describe('replay --target: what a target URL may hold', () => {
  it('an origin with a path prefix is a target', async () => {
    expect(await targets('http://127.0.0.1:8080', 'https://staging.example/base/')).toEqual(['http://127.0.0.1:8080', 'https://staging.example/base/']);
  });

  it('credentials in the URL, never sent before, are refused, the password not repeated', async () => {
    const err = await targets('http://ops:s3cret@127.0.0.1:8080/').catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'InputError' });
    expect((err as Error).message).toMatch(/^--target http:\/\/127\.0\.0\.1:8080\/: credentials in a target URL are not sent; give them with --set-header/);
    expect((err as Error).message).not.toContain('s3cret');
  });

  it('a query or fragment, dropped without a word before, is refused, pointing at --rewrite-url', async () => {
    for (const url of ['http://127.0.0.1:8080/?tenant=a', 'http://127.0.0.1:8080/#x']) {
      await expect(targets(url)).rejects.toThrow(`--target ${url}: a query or fragment in a target URL is not used (each request keeps its recorded query); change queries with --rewrite-url`);
    }
  });
});
