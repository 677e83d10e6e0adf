import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  type RemoteTrack,
  type Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { pcm16Rms } from '../audio/pcm.js';
import { toneSamples } from '../wav.js';

const SAMPLE_RATE = 48_000;
const FRAME = 480;

/** Peak RMS (0..1) of the PCM16 frames received on `track`, measured until stopped. */
export function measureLevel(track: RemoteTrack): { peak(): number; stop(): void } {
  const stream = new AudioStream(track, SAMPLE_RATE, 1);
  let peak = 0;
  let running = true;
  // A reader, not `for await`: this package's DOM typings give ReadableStream no iterator.
  const reader = stream.getReader();
  void (async () => {
    while (running) {
      const { done, value: frame } = await reader.read();
      if (done) break;
      peak = Math.max(peak, pcm16Rms(frame.data));
    }
  })();
  return {
    peak: () => peak,
    stop: () => {
      running = false;
      void reader.cancel().catch(() => undefined);
    },
  };
}

/** Publishes a looping tone from rtc-node through an AudioSource, 10 ms per frame. */
export async function publishTone(room: Room, frequency: number): Promise<() => void> {
  const source = new AudioSource(SAMPLE_RATE, 1);
  const track = LocalAudioTrack.createAudioTrack('tone', source);
  await room.localParticipant?.publishTrack(
    track,
    new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
  );
  const samples = toneSamples({ frequency, durationMs: 1000, amplitude: 0.5 });
  let offset = 0;
  let running = true;
  void (async () => {
    while (running) {
      const data = new Int16Array(FRAME);
      for (let i = 0; i < FRAME; i++) data[i] = samples[(offset + i) % samples.length] ?? 0;
      offset += FRAME;
      await source.captureFrame(new AudioFrame(data, SAMPLE_RATE, 1, FRAME));
    }
  })();
  return () => {
    running = false;
  };
}

/** Resolves with the first remote audio track `room` subscribes to. */
export function firstRemoteAudio(room: Room): Promise<RemoteTrack> {
  return new Promise((resolve) => {
    room.on(RoomEvent.TrackSubscribed, (track) => {
      if (track.kind === TrackKind.KIND_AUDIO) resolve(track);
    });
  });
}
