import { createRequire } from 'node:module';
import { Room } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { setRtcNodeLogLevel } from './rtc-logs.js';

describe('setRtcNodeLogLevel', () => {
  it("sets the level of the logger rtc-node's own modules use", () => {
    // Loading the package (as every test does) must not load a second logger instance.
    expect(Room).toBeTypeOf('function');
    setRtcNodeLogLevel('warn');
    const require = createRequire(import.meta.url);
    const entry = require.resolve('@livekit/rtc-node');
    const logPath = entry.replace(/index\.cjs$/, 'log.cjs');
    expect(require.cache[logPath]?.exports.log.level).toBe('warn');
    setRtcNodeLogLevel('info');
    expect(require.cache[logPath]?.exports.log.level).toBe('info');
  });
});
