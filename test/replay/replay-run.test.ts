import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/replay/replay-run.js';
import { writeHarFile } from '../../src/formats/har-file.js';
import { writeGorFile } from '../../src/formats/gor.js';
import { LOOSE_GATE, readSummary, recorded, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { replayArgv } from './replay-argv.js';

// runReplay in this process (src, no build): what every input and every way of stopping ends with.

const dir = tempDir('shadowtap-replay-run-');
const five = (): ReturnType<typeof recorded>[] => [0, 1, 2, 3, 4].map((i) => recorded(i, i * 20));
async function* each<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

let server: Awaited<ReturnType<typeof startServer>>;
let arrived: (() => void) | undefined;
beforeAll(async () => {
  server = await startServer((_q, res) => (res.end('{}'), server.received.length >= 5 && arrived?.()));
});
afterAll(() => server.close());

const replay = async (capture: string, flags: string[]): Promise<number> => runReplay(await replayArgv([capture], ['-t', server.url, ...LOOSE_GATE, ...flags]));

describe('replay: SIGTERM stops a run as SIGINT does', () => {
  it('drains, then writes results, summary and verdict; its listener goes with the run', async () => {
    server.received.length = 0;
    const capture = await writeCapture(join(dir, 'term.jsonl'), five());
    const [summary, results] = [join(dir, 'term.json'), join(dir, 'term-results.jsonl')];
    const before = new Set(process.listeners('SIGTERM'));
    const started = new Promise<void>((r) => (arrived = r));
    const run = replay(capture, ['--rate', '50', '--loop', 'forever', '--duration', '60s', '--summary', summary, '--results', results]);
    await started;
    const added = process.listeners('SIGTERM').filter((l) => !before.has(l));
    expect(added).toHaveLength(1);
    // The listener itself, not a real signal: the test process must not be the one stopped.
    (added[0] as (s: NodeJS.Signals) => void)('SIGTERM');
    expect(await run).toBe(0);
    const s = readSummary(summary);
    const lines = readFileSync(results, 'utf8').trim().split('\n');
    expect(s.targets[0]!.requests).toBeGreaterThanOrEqual(5);
    expect(s.targets[0]!.requests).toBeLessThan(50 * 30);
    expect(lines).toHaveLength(s.targets[0]!.requests);
    expect(s.verdict?.result).toBe('pass');
    expect(process.listeners('SIGTERM').filter((l) => !before.has(l))).toHaveLength(0);
  });
});

describe('replay: input.exchanges counts what was read, whatever the format', () => {
  it.each(['har', 'gor', 'jsonl'])('.%s: 5 read, of which --sample left some out', async (ext) => {
    const path = join(dir, `five.${ext}`);
    if (ext === 'har') await writeHarFile(path, five());
    else if (ext === 'gor') await writeGorFile(path, each(five()));
    else await writeCapture(path, five());
    const summary = join(dir, `five-${ext}.json`);
    expect(await replay(path, ['--speed', '0', '--sample', '50%', '--summary', summary])).toBe(0);
    const s = readSummary(summary);
    expect(s.input!.exchanges).toBe(5);
    expect(s.input!.filtered + s.targets[0]!.requests).toBe(5);
  });

  it('--loop counts each pass, as the filter does', async () => {
    const path = join(dir, 'loop.har');
    await writeHarFile(path, five());
    const summary = join(dir, 'loop.json');
    expect(await replay(path, ['--speed', '0', '--loop', '3', '--summary', summary])).toBe(0);
    const s = readSummary(summary);
    expect([s.input!.exchanges, s.targets[0]!.requests]).toEqual([15, 15]);
  });
});

describe('replay: --skip-invalid skips a malformed HAR entry as it skips a .jsonl line', () => {
  const bad = join(dir, 'bad.har');
  beforeAll(async () => {
    await writeHarFile(bad, five());
    const doc = JSON.parse(readFileSync(bad, 'utf8')) as { log: { entries: { request: { method: unknown } }[] } };
    doc.log.entries[2]!.request.method = 5;
    writeFileSync(bad, JSON.stringify(doc));
  });

  it('skipped and counted', async () => {
    const summary = join(dir, 'bad.json');
    expect(await replay(bad, ['--speed', '0', '--skip-invalid', '--summary', summary])).toBe(0);
    const s = readSummary(summary);
    expect([s.input!.invalid, s.input!.exchanges, s.targets[0]!.requests]).toEqual([1, 4, 4]);
  });

  it('without it, the entry is named with the advice', async () => {
    await expect(replay(bad, ['--speed', '0'])).rejects.toThrow(`${bad}: log.entries[2].request.method`);
    await expect(replay(bad, ['--speed', '0'])).rejects.toThrow('(use --skip-invalid to skip such entries)');
  });
});

describe('replay: a --set-header value with CR or LF is a usage error before the run', () => {
  it('exit 2 naming the flag; the target sees nothing', async () => {
    server.received.length = 0;
    const capture = await writeCapture(join(dir, 'crlf.jsonl'), five());
    await expect(replay(capture, ['--set-header', 'X-A: b\r\nX-Evil: 1'])).rejects.toThrow(/^--set-header "X-A: b\\r\\nX-Evil: 1": a header value cannot hold CR, LF or NUL$/);
    await expect(replay(capture, ['--set-header', 'bad name: 1'])).rejects.toThrow(/^--set-header "bad name": not a header name/);
    expect(server.received).toHaveLength(0);
  });
});
