import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start real servers, tcpdump and browsers on a 2-core machine: few files at once keeps
    // their timing honest.
    maxWorkers: 2,
    fileParallelism: true,
    // Output of captured data is redacted by default with a per-process random key; tests that compare
    // what two processes print need one key (tests of the random default unset it).
    env: { SHADOWTAP_REDACT_KEY: 'vitest: 9f2c41d87be3a065' },
    setupFiles: ['test/helpers/edge-settings.ts'],
  },
});
