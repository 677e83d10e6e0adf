import type { Page } from 'playwright-core';

/**
 * Runs in the page before its scripts: records the moment (ms, `performance.timeOrigin +
 * now()`, comparable across pages) each audio source starts sounding after at least 250 ms
 * of quiet. Sources: `mic` (every getUserMedia track) and `remote` (every track received
 * over WebRTC). An AnalyserNode of 256 samples is read every 2 ms.
 */
export function recordOnsets(): void {
  const scope = window as unknown as { onsets: Record<string, number[]> };
  scope.onsets = { mic: [], remote: [] };
  const THRESHOLD = 0.05;
  const QUIET_MS = 250;
  // Per source, not per track: livekit-client may open the microphone more than once.
  const lastLoud: Record<string, number> = { mic: 0, remote: 0 };
  const watch = (track: MediaStreamTrack, key: 'mic' | 'remote') => {
    const context = new AudioContext({ latencyHint: 'interactive' });
    const analyser = context.createAnalyser();
    analyser.fftSize = 256;
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
      if (Math.sqrt(sum / samples.length) < THRESHOLD) return;
      const now = performance.timeOrigin + performance.now();
      if (now - (lastLoud[key] ?? 0) > QUIET_MS) scope.onsets[key]?.push(now);
      lastLoud[key] = now;
    }, 2);
  };
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    for (const track of stream.getAudioTracks()) watch(track, 'mic');
    return stream;
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      this.addEventListener('track', (event) => {
        if (event.track.kind === 'audio') watch(event.track, 'remote');
      });
    }
  };
}

/** The onsets a page recorded for `key`. */
export function onsetsIn(page: Page, key: 'mic' | 'remote'): Promise<number[]> {
  return page.evaluate(
    (k) => (window as unknown as { onsets: Record<string, number[]> }).onsets[k] ?? [],
    key,
  );
}

/**
 * Per microphone onset, the delay to the first answer onset after it (and before the next
 * microphone onset). Turns without an answer are left out.
 */
export function delays(mic: number[], answers: number[]): number[] {
  const result: number[] = [];
  mic.forEach((start, i) => {
    const end = mic[i + 1] ?? Number.POSITIVE_INFINITY;
    const answer = answers.find((t) => t > start && t < end);
    if (answer !== undefined) result.push(answer - start);
  });
  return result;
}
