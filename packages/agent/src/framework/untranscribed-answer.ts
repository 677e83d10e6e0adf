import { requireFrameworkVersion } from './framework-version.js';
import { FrameworkShapeError } from './google-plugin.js';

/**
 * @livekit/agents 1.9.0 synchronises captions with audio per segment: playback finishing
 * (`SyncedAudioOutput.onPlaybackFinished` → `SegmentSynchronizerImpl.markPlaybackFinished`)
 * expects both inputs ended. The text input ends in `SyncedTextOutput.flush`, and only when
 * the answer's text stream delivered something (`capturing`). The Google plugin (1.9.0) with
 * output transcription on writes nothing to an answer's text stream when no transcript came
 * before `turnComplete` (audio only, or Gemini's transcript late); without transcription it
 * writes an empty text itself so the segment ends. So every answer spoken without a transcript
 * of its own left its segment's text open and logged "markPlaybackFinished called before
 * text/audio input is done" when it finished playing. An empty text ends it, as the plugin
 * does without transcription: it adds no caption, and a late transcript is handled as before.
 */
requireFrameworkVersion('untranscribed answer', '1.9.0');

/** The plugin's generation (`RealtimeSession.currentGeneration`), the fields read here. */
interface Generation {
  _done: boolean;
  outputText: string;
  /** Set by the plugin when the answer's first audio arrived. */
  _firstTokenTimestamp?: number;
  textChannel: { write(text: string): Promise<void> };
}

/**
 * Called as the plugin is about to end `generation`: an answer that spoke but has no text gets
 * an empty one. Throws `FrameworkShapeError` if a generation no longer has the fields above.
 */
export function endUntranscribedAnswer(generation: unknown): void {
  if (generation === undefined || generation === null) return;
  const answer = generation as Partial<Generation>;
  if (typeof answer.outputText !== 'string' || typeof answer.textChannel?.write !== 'function') {
    throw new FrameworkShapeError('a generation no longer has outputText and textChannel');
  }
  if (answer._done || answer._firstTokenTimestamp === undefined || answer.outputText !== '') {
    return;
  }
  void answer.textChannel.write('').catch(() => undefined);
}
