import { AudioByteStream } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
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
 * Cuts PCM bytes into chunks of one size, as `AudioByteStream.write` does (same input, same
 * frames, the rest kept for the next write), but copying each byte once: the framework's
 * (1.9.0) copies its whole buffer through a JavaScript array spread on every write, 100 times
 * a second per visitor.
 */
export class InputChunker {
  readonly #bytesPerChunk: number;
  #pending: Uint8Array;
  #filled = 0;

  constructor(
    private readonly sampleRate: number,
    private readonly channels: number,
    private readonly samplesPerChannel: number,
  ) {
    this.#bytesPerChunk = channels * samplesPerChannel * 2;
    this.#pending = new Uint8Array(this.#bytesPerChunk);
  }

  /** Adds `data` and returns the chunks it completes, each with a buffer of its own. */
  write(data: ArrayBuffer | ArrayBufferView): AudioFrame[] {
    const bytes = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    const chunks: AudioFrame[] = [];
    for (let read = 0; read < bytes.length; ) {
      const taken = Math.min(this.#bytesPerChunk - this.#filled, bytes.length - read);
      this.#pending.set(bytes.subarray(read, read + taken), this.#filled);
      this.#filled += taken;
      read += taken;
      if (this.#filled === this.#bytesPerChunk) {
        const samples = new Int16Array(this.#pending.buffer);
        chunks.push(
          new AudioFrame(samples, this.sampleRate, this.channels, this.samplesPerChannel),
        );
        this.#pending = new Uint8Array(this.#bytesPerChunk);
        this.#filled = 0;
      }
    }
    return chunks;
  }
}

/**
 * Gives a plugin RealtimeSession 20 ms input chunks instead of 50 ms, cut by
 * {@link InputChunker}: replaces its chunker (`bstream`, which `pushAudio` writes each frame
 * to and nothing else uses) before any audio went in. Throws `FrameworkShapeError` if the
 * plugin no longer chunks with an `AudioByteStream` there.
 */
export function useShortInputChunks(session: object): void {
  const target = session as { bstream?: unknown };
  if (!(target.bstream instanceof AudioByteStream)) {
    throw new FrameworkShapeError('RealtimeSession.bstream is no longer an AudioByteStream');
  }
  target.bstream = new InputChunker(INPUT_RATE, 1, (INPUT_RATE * INPUT_CHUNK_MS) / 1000);
}
