import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'devserver',
    include: ['src/**/*.test.ts'],
    // Browser, WebRTC and agent-worker tests share one machine's two cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
