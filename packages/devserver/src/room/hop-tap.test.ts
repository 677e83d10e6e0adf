import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaStreamTrack, RtpHeader, RtpPacket } from 'werift';
import { tapHops } from './hop-tap.js';

describe('tapHops', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hop-tap-'));
    file = join(dir, 'hops.jsonl');
    vi.stubEnv('VOICE_AGENT_HOP_LOG', file);
    vi.useFakeTimers({ toFake: ['performance'] });
  });

  afterEach(async () => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends one packet of `bytes` every 20 ms, or after `gapMs`. */
  function sender(track: MediaStreamTrack) {
    return (bytes: number, gapMs = 20) => {
      vi.advanceTimersByTime(gapMs);
      track.onReceiveRtp.execute(new RtpPacket(new RtpHeader(), Buffer.alloc(bytes)));
    };
  }

  const onsets = async () =>
    (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { identity: string; room: string });

  it('notes a sound once, from three large packets in a row after silence', async () => {
    const track = new MediaStreamTrack({ kind: 'audio' });
    tapHops('room-1', 'visitor', { mid: '0', msidTrackId: undefined, track });
    const send = sender(track);
    // Chromium's silence: over 40 bytes, but no larger than the quietest by half.
    for (let i = 0; i < 30; i++) send(45);
    for (let i = 0; i < 20; i++) send(120);
    for (let i = 0; i < 30; i++) send(45);
    for (let i = 0; i < 20; i++) send(120);
    expect(await onsets()).toEqual([
      expect.objectContaining({ hop: 'devserver', room: 'room-1', identity: 'visitor' }),
      expect.objectContaining({ hop: 'devserver', room: 'room-1', identity: 'visitor' }),
    ]);
  });

  it("does not take DTX's lone packets in silence for a sound", async () => {
    const track = new MediaStreamTrack({ kind: 'audio' });
    tapHops('room-1', 'agent-AJ_1', { mid: '0', msidTrackId: undefined, track });
    const send = sender(track);
    for (let i = 0; i < 10; i++) send(3);
    for (let i = 0; i < 5; i++) send(60, 400);
    expect(await onsets()).toEqual([]);
  });
});
