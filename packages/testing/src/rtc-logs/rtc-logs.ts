import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface Logger {
  level: string;
}

/**
 * Sets @livekit/rtc-node's logger to `level`. rtc-node logs at debug level unless NODE_ENV is
 * "production" and has no API to change it; its "Connect callback received" and "ignoring
 * incoming text stream" lines bury test failures. Its ESM entry re-exports the CommonJS
 * build, so the logger is one module instance, loaded here by path (the package's exports
 * map hides it). Throws if a new rtc-node moves it, rather than going quietly noisy again.
 */
export function setRtcNodeLogLevel(level: 'debug' | 'info' | 'warn' | 'error'): void {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@livekit/rtc-node');
  const { log } = require(join(dirname(entry), 'log.cjs')) as { log?: Logger };
  if (!log) throw new Error("@livekit/rtc-node's logger is no longer at dist/log.cjs");
  log.level = level;
}
