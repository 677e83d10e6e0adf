// The script-tag build of @voice-agent/widget: a small loader (dist/voice-agent.js) that
// defines <voice-agent> and draws the launcher, plus lazily loaded chunks beside it
// (dist/chunks/) holding livekit-client and the session code. Its input is the package's
// TypeScript output (dist/index.js), so `tsc` runs first (see the widget's build script).
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const widget = fileURLToPath(new URL('./packages/widget/', import.meta.url));

export default {
  input: { 'voice-agent': `${widget}dist/index.js` },
  // Lets the shared modules stay in the loader instead of a third chunk the loader must fetch.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: `${widget}dist`,
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
  plugins: [
    nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
    terser({ ecma: 2020, module: true, format: { comments: false } }),
  ],
};
