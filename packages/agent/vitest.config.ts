import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'agent',
    include: ['src/**/*.test.ts'],
    // rtc-node logs at debug level in tests: its lines would bury a failure's output.
    setupFiles: ['@voice-agent/testing/vitest-setup'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
