import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Several suites start servers and Chromium; two forks match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
