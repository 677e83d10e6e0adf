import { describe, expect, it } from 'vitest';
import { readableLogLine } from './worker-process.js';

describe('readableLogLine', () => {
  it("turns the framework's JSON log line into level, message and its own fields", () => {
    const line = JSON.stringify({
      level: 40,
      time: 1795569158353,
      pid: 14810,
      hostname: 'vm',
      msg: 'failed to connect to LiveKit server',
      retry_count: 1,
    });
    expect(readableLogLine(line)).toBe(
      'warn failed to connect to LiveKit server {"retry_count":1}',
    );
    expect(readableLogLine(JSON.stringify({ level: 30, msg: 'registered worker' }))).toBe(
      'info registered worker',
    );
  });

  it('passes other lines through unchanged', () => {
    for (const line of ['Error: boom', '    at main (cli.js:1:1)', '{not json', '{"level":30}']) {
      expect(readableLogLine(line)).toBe(line);
    }
  });
});
