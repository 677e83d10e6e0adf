import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts'],
    // The CLI tests spawn the built bin and talk to it over HTTP; a busy machine starts it slowly.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
