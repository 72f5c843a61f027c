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
  },
});
