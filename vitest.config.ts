import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A user's project that test/package.test.ts installs wsgate into, outside the repo; its suite runs there.
    exclude: ['test/fixtures/installed-project/**', '**/node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // `expect.poll` waits for something to happen (a frame through a function, a page's update). Functions run in
    // execution environments by default, so a reply may include a cold start: 1 s (vitest's default) is too short for
    // that on a loaded 2-core machine. A poll that succeeds returns at once; only a failing one waits the whole 10 s.
    expect: { poll: { timeout: 10_000 } },
    // Several suites start servers and Chromium; two forks match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
