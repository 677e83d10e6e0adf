import { createAudioAnalyser, type LocalAudioTrack, type RemoteAudioTrack } from 'livekit-client';

type Analyser = ReturnType<typeof createAudioAnalyser>;

/** Measures the agent's and the microphone's loudness once per frame for the visualizer. */
export class LevelMeter {
  #agent: Analyser | undefined;
  #microphone: Analyser | undefined;
  #frame = 0;
  readonly #show: (agent: number, microphone: number) => void;

  constructor(show: (agent: number, microphone: number) => void) {
    this.#show = show;
  }

  /** Starts measuring the agent's voice. */
  watchAgent(track: RemoteAudioTrack): void {
    void this.#agent?.cleanup();
    this.#agent = createAudioAnalyser(track, { smoothingTimeConstant: 0.6 });
    this.#run();
  }

  /** Starts measuring the visitor's microphone (a clone, so mute shows as silence anyway). */
  watchMicrophone(track: LocalAudioTrack): void {
    void this.#microphone?.cleanup();
    this.#microphone = createAudioAnalyser(track, { smoothingTimeConstant: 0.6 });
    this.#run();
  }

  /** Stops measuring and shows silence. */
  stop(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    void this.#agent?.cleanup();
    void this.#microphone?.cleanup();
    this.#agent = undefined;
    this.#microphone = undefined;
    this.#show(0, 0);
  }

  #run(): void {
    if (this.#frame) return;
    const tick = () => {
      this.#show(this.#agent?.calculateVolume() ?? 0, this.#microphone?.calculateVolume() ?? 0);
      this.#frame = requestAnimationFrame(tick);
    };
    this.#frame = requestAnimationFrame(tick);
  }
}
