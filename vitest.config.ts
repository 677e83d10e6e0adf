import { defineConfig } from 'vitest/config';

// Each package is its own Vitest project with its own config (timeouts, pools).
export default defineConfig({
  test: {
    projects: ['packages/*'],
  },
});
