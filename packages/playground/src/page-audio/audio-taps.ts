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
}

/**
 * An init script (`context.addInitScript(installAudioTaps)`, before the scripts that use it):
 * hears the page's audio as a visitor would, an AnalyserNode on each microphone track and
 * each track received over WebRTC, whatever the widget does with them.
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
  const tap = (track: MediaStreamTrack, source: AudioSource) => {
    for (const meter of meters) if (meter[0] === source) measure(track, meter);
  };
  const taps: AudioTaps = { meter: (...meter) => void meters.push(meter) };
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
      this.addEventListener('track', (event) => {
        if (event.track.kind === 'audio') tap(event.track, 'remote');
      });
    }
  };
}
