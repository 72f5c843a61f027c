import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that take longest start first, so that none of them starts last and runs on alone: a clean
// clone (CI) has no timings cached, and vitest then orders by file size, which put these anywhere.
const LONGEST = [
  'test/cli/install-tarball.test.ts',
  'test/scenarios/ab.test.ts',
  'test/staging/staging-replay.test.ts',
  'test/scenarios/capacity.test.ts',
  'test/capture/real-traffic.test.ts',
  'test/distributed/workers.test.ts',
  'test/agent/soak.test.ts',
  'test/stages/redact-every-path.test.ts',
];

// The suite starts ~590 node processes (525 of them the CLI). Node 20 reads and parses the file named
// by NODE_EXTRA_CA_CERTS at every start, before any JS runs: a machine that sets it (a corporate or CI CA
// bundle) pays ~50-90 ms CPU per start, and the suite's 555 s of CPU became 525 s without it. Nothing
// here talks TLS beyond loopback, and the one test that trusts its own CA through this variable sets it
// for its child itself: so it goes, here, in the process every worker and child inherits it from.
delete process.env.NODE_EXTRA_CA_CERTS;

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = LONGEST.findIndex((name) => f.moduleId.endsWith(name));
      return i < 0 ? LONGEST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start real servers, tcpdump and browsers on a 2-core machine, and most of a file's time is
    // spent waiting on them: at 2 files at once the suite's own CPU time (~340 s user+sys) filled less
    // than half of two cores over a 400 s run. A third file filled those waits (400 s became 317 s), and
    // still left a quarter of two cores idle (525 s CPU over 305 s); a fourth fills most of it: 275 s for
    // 506 s CPU (Node 20, 2 cores), every file passing. The latency-judging file (scenarios/ab) raises
    // its priority and measures a run again when the machine stalled it; agent/soak asks only half its
    // rate of a shared machine.
    maxWorkers: 4,
    fileParallelism: true,
    // A worker process runs file after file with one module cache, instead of a fresh process and cache
    // per file: that start-up was ~0.6 s CPU a file, 15 % of the suite's CPU (675 → 572 s user+sys).
    // Each file still gets its own hooks and a fresh run of the setup file; the tests start their
    // servers and children per file and put back what they change in the process (env, redaction key,
    // priority), so no state carries over.
    isolate: false,
    // Output of captured data is redacted by default with a per-process random key; tests that compare
    // what two processes print need one key (tests of the random default unset it).
    env: { SHADOWTAP_REDACT_KEY: 'vitest: 9f2c41d87be3a065' },
    setupFiles: ['test/helpers/edge-settings.ts'],
    sequence: { sequencer: LongestFirst },
  },
});
