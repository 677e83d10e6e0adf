/** Where a page's audio track comes from: its microphone (getUserMedia) or a peer (WebRTC). */
export type AudioSource = 'mic' | 'remote';

/** What `installAudioTaps` gives the page's later init scripts, as `window.audioTaps`. */
export interface AudioTaps {
  /**
   * Calls `onRms` with the RMS (0–1) of every `source` track the page gets from now on, over
   * the last `fftSize` samples, every `intervalMs`, until the track ends.
   */
  meter(
    source: AudioSource,
    options: { fftSize: number; intervalMs: number },
    onRms: (rms: number) => void,
  ): void;
  /**
   * Calls `onFrame` with each frame (10 ms) of every `source` track the page gets from now
   * on, as the track delivers it to a `MediaStreamTrackProcessor`: no AudioContext between,
   * whose buffering would add a delay of its own to each tap, different per context.
   */
  frames(source: AudioSource, onFrame: (frame: TappedFrame) => void): void;
  /** Calls `onReceiver` with the receiver of every audio track the page gets from a peer from now on. */
  receivers(onReceiver: (receiver: RTCRtpReceiver) => void): void;
}

/** A frame of a tapped track: its first channel, and when its first sample was there. */
export interface TappedFrame {
  samples: Float32Array;
  sampleRate: number;
  /** The frame's timestamp (capture, or playout from the receiver), ms on the track's clock. */
  timestamp: number;
  /**
   * A time on the track's clock as ms of the page's `performance.timeOrigin + now()`: plus the
   * least delay seen on the track between a frame's timestamp and its reading, so that the
   * main thread's lateness in reading a frame is not counted. That least delay falls as
   * faster reads come (a track's first frames can be read in a backlog): convert late, when
   * the figures are read, not as each frame comes.
   */
  pageTime(timestamp: number): number;
}

/**
 * An init script (`context.addInitScript(installAudioTaps)`, before the scripts that use it):
 * hears the page's audio as a visitor would, on each microphone track and each track received
 * over WebRTC, whatever the widget does with them: an AnalyserNode for `meter`, a
 * MediaStreamTrackProcessor for `frames`, and the track's receiver for `receivers`.
 */
export function installAudioTaps(): void {
  type Meter = Parameters<AudioTaps['meter']>;
  const meters: Meter[] = [];
  const measure = (track: MediaStreamTrack, [, { fftSize, intervalMs }, onRms]: Meter) => {
    const context = new AudioContext({ latencyHint: 'interactive' });
    const analyser = context.createAnalyser();
    analyser.fftSize = fftSize;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      if (track.readyState === 'ended') {
        clearInterval(timer);
        void context.close();
        return;
      }
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      onRms(Math.sqrt(sum / samples.length));
    }, intervalMs);
  };
  type FrameTap = Parameters<AudioTaps['frames']>;
  const frameTaps: FrameTap[] = [];
  const read = async (track: MediaStreamTrack, [, onFrame]: FrameTap) => {
    // Chromium's; not in TypeScript's DOM library.
    const { MediaStreamTrackProcessor } = window as unknown as {
      MediaStreamTrackProcessor: new (init: {
        track: MediaStreamTrack;
      }) => { readable: ReadableStream<AudioData> };
    };
    const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    let offset = Number.POSITIVE_INFINITY;
    const pageTime = (timestamp: number) => performance.timeOrigin + timestamp + offset;
    for (;;) {
      const { value: data, done } = await reader.read();
      if (done || !data) return;
      const timestamp = data.timestamp / 1000;
      offset = Math.min(offset, performance.now() - timestamp);
      const samples = new Float32Array(data.numberOfFrames);
      data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      onFrame({ samples, sampleRate: data.sampleRate, timestamp, pageTime });
      data.close();
    }
  };
  const tap = (track: MediaStreamTrack, source: AudioSource) => {
    for (const meter of meters) if (meter[0] === source) measure(track, meter);
    for (const frameTap of frameTaps) if (frameTap[0] === source) void read(track, frameTap);
  };
  const receiverTaps: Parameters<AudioTaps['receivers']>[0][] = [];
  const taps: AudioTaps = {
    meter: (...meter) => void meters.push(meter),
    frames: (...frameTap) => void frameTaps.push(frameTap),
    receivers: (onReceiver) => void receiverTaps.push(onReceiver),
  };
  (window as unknown as { audioTaps: AudioTaps }).audioTaps = taps;

  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    for (const track of stream.getAudioTracks()) tap(track, 'mic');
    return stream;
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      this.addEventListener('track', ({ track, receiver }) => {
        if (track.kind !== 'audio') return;
        for (const onReceiver of receiverTaps) onReceiver(receiver);
        tap(track, 'remote');
      });
    }
  };
}
