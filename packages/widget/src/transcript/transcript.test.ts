import { describe, expect, it } from 'vitest';
import { speakerOf, TranscriptLog, TranscriptStream } from './transcript.js';

describe('transcript assembly', () => {
  it('adds up the agent delta stream and makes it final when the stream ends', () => {
    const stream = new TranscriptStream({
      streamId: 's1',
      role: 'agent',
      attributes: { 'lk.segment_id': 'seg-a', 'lk.transcription_final': 'false' },
    });
    expect(stream.push('Hello')).toEqual({
      segmentId: 'seg-a',
      role: 'agent',
      text: 'Hello',
      final: false,
    });
    expect(stream.push(' there')).toMatchObject({ text: 'Hello there', final: false });
    expect(stream.end()).toMatchObject({ text: 'Hello there', final: true });
  });

  it('replaces the visitor segment with each new stream until the final one', () => {
    const log = new TranscriptLog();
    const interim = new TranscriptStream({
      streamId: 's2',
      role: 'user',
      attributes: { 'lk.segment_id': 'seg-u', 'lk.transcription_final': 'false' },
    });
    log.update(interim.push('what is'));
    expect(log.update(interim.end())).toMatchObject({ text: 'what is', final: false });
    const final = new TranscriptStream({
      streamId: 's3',
      role: 'user',
      attributes: { 'lk.segment_id': 'seg-u', 'lk.transcription_final': 'true' },
    });
    log.update(final.push('what is the weather'));
    expect(log.segments).toEqual([
      { segmentId: 'seg-u', role: 'user', text: 'what is the weather', final: true },
    ]);
  });

  it('keeps the order of segments and drops the oldest past the limit', () => {
    const log = new TranscriptLog(2);
    log.update({ segmentId: 'a', role: 'user', text: '1', final: true });
    log.update({ segmentId: 'b', role: 'agent', text: '2', final: true });
    log.update({ segmentId: 'c', role: 'user', text: '3', final: false });
    expect(log.segments.map((s) => s.segmentId)).toEqual(['b', 'c']);
    log.clear();
    expect(log.segments).toEqual([]);
  });

  it('falls back to the stream id when there is no segment id', () => {
    const stream = new TranscriptStream({ streamId: 'only', role: 'user', attributes: undefined });
    expect(stream.push('hi').segmentId).toBe('only');
  });

  it("tells the visitor's captions from the agent's by the transcribed track", () => {
    const base = {
      senderIdentity: 'agent-1',
      localIdentity: 'visitor',
      localTrackSids: ['TR_mic'],
    };
    expect(speakerOf({ ...base, attributes: { 'lk.transcribed_track_id': 'TR_mic' } })).toBe(
      'user',
    );
    expect(speakerOf({ ...base, attributes: { 'lk.transcribed_track_id': 'TR_agent' } })).toBe(
      'agent',
    );
    expect(speakerOf({ ...base, attributes: undefined })).toBe('agent');
    expect(speakerOf({ ...base, senderIdentity: 'visitor', attributes: {} })).toBe('user');
  });
});
