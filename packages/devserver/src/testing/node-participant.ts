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
import { toneSamples } from '@voice-agent/testing';

const SAMPLE_RATE = 48_000;
const FRAME = 480;

/** Peak RMS (0..1) of the PCM16 frames received on `track`, measured until stopped. */
export function measureLevel(track: RemoteTrack): { peak(): number; stop(): void } {
  const stream = new AudioStream(track, SAMPLE_RATE, 1);
  let peak = 0;
  let running = true;
  void (async () => {
    for await (const frame of stream) {
      if (!running) break;
      let sum = 0;
      for (const sample of frame.data) sum += (sample / 32768) ** 2;
      peak = Math.max(peak, Math.sqrt(sum / frame.data.length));
    }
  })();
  return {
    peak: () => peak,
    stop: () => {
      running = false;
      void stream.cancel().catch(() => undefined);
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
