import { describe, expect, it } from 'vitest';
import { missingLiveKitVariables, parsePort } from './settings.js';

describe('shared settings', () => {
  it('accepts ports 0 to 65535 written as whole numbers, and nothing else', () => {
    expect([parsePort('0'), parsePort('8080'), parsePort('65535')]).toEqual([0, 8080, 65_535]);
    for (const text of ['', '-1', '65536', '80.5', ' 80', '8e3', 'http']) {
      expect(parsePort(text), text).toBeUndefined();
    }
  });

  it('names the LiveKit variables that are unset or blank', () => {
    expect(missingLiveKitVariables({ LIVEKIT_URL: 'ws://x', LIVEKIT_API_KEY: ' ' })).toEqual([
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
    ]);
  });
});
