import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-flags-');
const capture = join(dir, 'empty.jsonl');
writeFileSync(capture, '');
const replay = ['replay', capture, '-t', 'http://127.0.0.1:9', '--quiet'];
const captureCmd = ['capture', '--read', join(dir, 'none.pcap'), '--out', join(dir, 'out.jsonl')];

/** Each absurd value is refused before the command starts: exit 2, and the message names the flag and the value. */
const cases: [string[], string][] = [
  [[...replay, '--connections', '0'], '--connections 0: expected a whole number from 1 to 10000'],
  [[...replay, '--connections', '-1'], '--connections -1: expected a whole number from 1 to 10000'],
  [[...replay, '--pipelining', '0', '--speed', '0'], '--pipelining 0: expected a whole number from 1 to 1000'],
  [[...replay, '--speed', 'NaN'], '--speed NaN: expected a number'],
  [[...replay, '--speed', '-1'], '--speed -1: expected a number'],
  [[...replay, '--rate', 'Infinity'], '--rate Infinity: expected a rate such as 100, 100/s or 6000/min'],
  [[...replay, '--rate', '0'], '--rate 0: expected a rate above 0'],
  [[...replay, '--max-body', '-5'], '--max-body -5: expected a size in bytes'],
  [[...replay, '--max-queue', '-1'], '--max-queue -1: expected a whole number from 0 to 10000000'],
  [[...replay, '--max-in-flight', '0'], '--max-in-flight 0: expected a whole number from 1'],
  [[...replay, '--max-requests', '1.5'], '--max-requests 1.5: expected a whole number ≥ 1'],
  [[...replay, '--duration', '-5s'], '--duration -5s: expected a duration such as 500ms, 30s, 2h, 1h30m or 500us'],
  [[...replay, '--duration', '0'], '--duration 0: expected a duration above 0ms'],
  [[...replay, '--timeout', '30d'], '--timeout 30d: longer than the longest duration supported (24d)'],
  [[...replay, '--drain', 'soon'], '--drain soon: expected a duration'],
  [[...replay, '--max-lag-p99', 'NaN'], '--max-lag-p99 NaN: expected a duration'],
  [[...replay, '--sample', '150'], '--sample 150: expected a percentage'],
  [[...replay, '--loop', '0'], '--loop 0: expected a whole number (or "forever") ≥ 1'],
  [[...replay, '--ramp', '10:x:5s'], '--ramp 10:x:5s: expected FROM:TO:DURATION'],
  [[...replay, '--seed', '1e3'], '--seed 1e3: expected a whole number'],
  [['cat', capture, '--threads', '1000000'], '--threads 1000000: expected a whole number from 0 to'],
  [[...captureCmd, '--max-exchanges', '-1'], '--max-exchanges -1: expected a whole number ≥ 1'],
  [[...captureCmd, '--max-body', '1XB'], '--max-body 1XB: expected a size in bytes'],
  [[...captureCmd, '--duration', 'NaN'], '--duration NaN: expected a duration'],
  [[...captureCmd, '--buffer-kib', '0'], '--buffer-kib 0: expected a whole number from 1 to'],
  [[...captureCmd, '--port', '0'], '--port 0: expected a TCP port from 1 to 65535'],
  [[...captureCmd, '-p', '80', '-p', 'http'], '--port http: expected a TCP port from 1 to 65535'],
  [['record', '--listen', '127.0.0.1:0', '--upstream', 'http://127.0.0.1:9', '--out', join(dir, 'r.jsonl'), '--queue', '-1'], '--queue -1: expected a whole number from 1 to'],
  [['record', '--listen', '127.0.0.1:0', '--upstream', 'http://127.0.0.1:9', '--out', join(dir, 'r.jsonl'), '--max-body', 'lots'], '--max-body lots: expected a size'],
  [['sample-service', '--threads', '0'], '--threads 0: expected a whole number from 1 to 100000'],
  [['sample-service', '--port', '70000'], '--port 70000: expected a whole number from 0 to 65535'],
  [['sample-service', '--latency-factor', 'Infinity'], '--latency-factor Infinity: expected a number from 0 to 1000'],
  // 192.0.2.1 (TEST-NET-1) is an address, so no resolver is asked, and no host here has it.
  [['sample-service', '--host', '192.0.2.1', '--port', '0'], '--host 192.0.2.1: cannot listen (EADDRNOTAVAIL)'],
  [['run', 'scenarios.yaml', '--only'], 'Not enough arguments following: only'],
  [['local-elb', '--config', join(dir, 'x.yaml'), '--port', '-3'], '--port -3: expected a whole number from 0 to 65535'],
  [['targets', '--target-group', 'tg', '--page-size', '401'], '--page-size 401: expected a whole number from 1 to 400'],
  [['drain', '--target-group', 'tg', '--url', 'http://127.0.0.1:9', '--rate', '-1'], '--rate -1: expected a rate'],
  [['drain', '--target-group', 'tg', '--url', 'http://127.0.0.1:9', '--poll', '1x'], '--poll 1x: expected a duration'],
];

// Each case is its own CLI process and shares nothing with the others: they run a few at once (vitest's
// maxConcurrency, 5), so one case's process start overlaps another's. A start took ~2 s at a load of 16.
describe.concurrent('absurd flags', () => {
  it.each(cases)('%j is refused with exit 2 naming the flag', async (args, message) => {
    const r = await shadowtap(args, { timeoutMs: 45_000 });
    expect(r.stderr).toContain(`shadowtap: ${message}`);
    expect(r.code).toBe(2);
  });
});
