// The spine (registry + pump + redaction stage) against another build of the CLI, same run, same file:
//   BASELINE=/path/to/other/dist/cli/main.js node bench/spine.mjs capture.pcap
// Times `capture --read X --out X.jsonl` and `cat --threads 1 X` (tsv), alternating the two builds,
// medians of 5 of the children's CPU time (user+sys), and prints new/baseline ratios. Without BASELINE
// it prints this build's numbers only. Both builds use one redaction key, so their files can be compared.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pcap = process.argv[2];
if (!pcap) throw new Error('usage: node bench/spine.mjs capture.pcap');
const builds = { new: new URL('../dist/cli/main.js', import.meta.url).pathname, ...(process.env.BASELINE ? { baseline: process.env.BASELINE } : {}) };
const dir = mkdtempSync(join(tmpdir(), 'shadowtap-spine-bench-'));
const env = { ...process.env, SHADOWTAP_REDACT_KEY: 'spine bench key 0123456789abcdef' };
const runs = { capture: (cli) => [cli, 'capture', '--read', pcap, '--out', join(dir, 'out.jsonl')], cat: (cli) => [cli, 'cat', '--threads', '1', pcap] };

/** CPU seconds (user+sys) of one child run, as /usr/bin/time reports them. */
function cpuOf(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(-500)}`);
  const [u, s] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return u + s;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

try {
  for (const [what, argsOf] of Object.entries(runs)) {
    const t = Object.fromEntries(Object.keys(builds).map((b) => [b, []]));
    for (let round = 0; round < 5; round++) for (const [b, cli] of Object.entries(builds)) t[b].push(cpuOf(argsOf(cli)));
    const m = Object.fromEntries(Object.entries(t).map(([b, xs]) => [b, median(xs)]));
    const ratio = m.baseline ? `  new/baseline ${(m.new / m.baseline).toFixed(2)}` : '';
    console.log(`${what.padEnd(8)} ${Object.entries(m).map(([b, s]) => `${b} ${s.toFixed(2)} s CPU`).join('  ')}${ratio}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
