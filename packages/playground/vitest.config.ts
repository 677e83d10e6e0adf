import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'playground',
    include: ['src/**/*.test.ts'],
    // rtc-node logs at debug level in tests: its lines would bury a failure's output.
    setupFiles: ['@voice-agent/testing/vitest-setup'],
    // Each file starts the whole stack (dev server, worker, Chromium): one at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
