import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A user's project that test/package.test.ts installs wsgate into, outside the repo; its suite runs there.
    exclude: ['test/fixtures/installed-project/**', '**/node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Several suites start servers and Chromium; two forks match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
