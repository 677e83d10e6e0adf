import { AudioByteStream } from '@livekit/agents';
import { FrameworkShapeError } from './google-plugin.js';

/** Gemini Live's input format, as the plugin sends it (16 kHz mono PCM). */
const INPUT_RATE = 16_000;
/**
 * How much of the visitor's audio goes to Gemini per message. The plugin (1.9.0) sends 50 ms
 * chunks (`AudioByteStream` of `16000 / 20` samples), so the start of every utterance waited
 * 0 to 50 ms, 25 ms on average, before Gemini could hear it (the bench's "job process in →
 * stand-in answers" hop, 21 ms p50). 20 ms cuts that wait to 0 to 20 ms for 50 messages a
 * second instead of 20 (each a few hundred bytes of base64 on the WebSocket). RoomIO hands
 * the session 10 ms frames, so every second frame completes a chunk.
 */
export const INPUT_CHUNK_MS = 20;

/**
 * Gives a plugin RealtimeSession 20 ms input chunks instead of 50 ms: replaces its chunker
 * (`bstream`, which `pushAudio` writes each frame to) before any audio went in. Throws
 * `FrameworkShapeError` if the plugin no longer chunks with an `AudioByteStream` there.
 */
export function useShortInputChunks(session: object): void {
  const target = session as { bstream?: unknown };
  if (!(target.bstream instanceof AudioByteStream)) {
    throw new FrameworkShapeError('RealtimeSession.bstream is no longer an AudioByteStream');
  }
  target.bstream = new AudioByteStream(INPUT_RATE, 1, (INPUT_RATE * INPUT_CHUNK_MS) / 1000);
}
