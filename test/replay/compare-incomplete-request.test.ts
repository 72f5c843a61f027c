import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tempDir } from '../helpers/tmp.js';
import { LOOSE_GATE, readSummary, recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';

const dir = tempDir('shadowtap-compare-incomplete-');

/** Parses the JSON it is sent, as a real API does: 200 {} when whole, 400 when the body was cut short. */
function api(_req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  let ok = true;
  try {
    JSON.parse(body.length ? body.toString('utf8') : '{}');
  } catch {
    ok = false;
  }
  res.statusCode = ok ? 200 : 400;
  res.setHeader('Content-Type', 'application/json');
  res.end('{}');
}

/**
 * A recording keeps at most --max-body of a request body, and a capture can lose bytes of one: replayed,
 * the target gets less than production got, so its answer is not compared with production's (it would
 * be a difference the change under test did not make), and the summary says why.
 */
describe('recorded mode: a request recorded incomplete, or paired by a guess, is sent, not compared', async () => {
  const server = await startServer(api);
  afterAll(() => server.close());
  const whole = recorded(0, 0, { method: 'POST', target: '/orders', body: '{"item":1}' });
  const cut = recorded(1, 5, { method: 'POST', target: '/orders', body: '{"item":2,"note":"' });
  cut.request.body = { ...cut.request.body!, size: 2_000_000, truncated: true };
  const cutOff = { ...recorded(2, 10, { method: 'POST', target: '/orders', body: '{"item":' }), flags: ['request-truncated' as const] };
  // A pipelined request paired after a capture loss: production's answer to it is only a guess.
  const guessed = { ...recorded(3, 15, { method: 'POST', target: '/orders', body: '{"item":3}', status: 500 }), flags: ['gap' as const, 'pairing-guessed' as const] };
  const capture = await writeCapture(join(dir, 'c.jsonl'), [whole, cut, cutOff, guessed]);

  it('compares the whole one, counts the others as not compared with the reason', async () => {
    const summary = join(dir, 's.json');
    const r = await runCli(['replay', capture, '-t', server.url, '--summary', summary, ...LOOSE_GATE]);
    expect(r.code, r.stderr).toBe(0);
    const t = readSummary(summary).differences!.targets[0]!;
    expect(t).toMatchObject({ compared: 1, differing: 0 });
    expect(t.notCompared).toEqual({
      count: 3,
      reasons: [
        { reason: 'the recorded request is incomplete (body cut by --max-body, or bytes lost in the capture)', count: 2 },
        { reason: 'the recorded response is a guess (pipelined requests after a capture loss)', count: 1 },
      ],
    });
    // All were still sent: the target answered the cut bodies 400, the others 200.
    expect(readSummary(summary).targets[0]!.statuses).toEqual({ '200': 2, '400': 2 });
  });
});
