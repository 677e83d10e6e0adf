import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'widget',
    include: ['src/**/*.test.ts'],
    // rtc-node logs at debug level in tests: its lines would bury a failure's output.
    setupFiles: ['@voice-agent/testing/vitest-setup'],
    // Browser tests share one static server and one Chromium per file; running files one at a
    // time keeps the two shared cores usable for the other packages' tests.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
