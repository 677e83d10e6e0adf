import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'devserver',
    include: ['src/**/*.test.ts'],
    // rtc-node logs at debug level in tests: its lines would bury a failure's output.
    setupFiles: ['@voice-agent/testing/vitest-setup'],
    // Browser, WebRTC and agent-worker tests share one machine's two cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
