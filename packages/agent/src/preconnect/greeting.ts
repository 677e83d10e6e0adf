import { voice, waitUntilTimeout } from '@livekit/agents';

/** The longest the visitor's audio is held back for the greeting. */
export const GREETING_HOLD_LIMIT_MS = 15_000;

/**
 * Runs `speak` (the greeting) and resolves once the speech it started has played out, at
 * once if it started none, and after `limitMs` at most. The pre-connect buffer and the live
 * microphone wait for it: otherwise the visitor's early words, arriving all at once, would
 * interrupt the greeting they were said before.
 */
export async function afterSpeech(
  session: voice.AgentSession,
  speak: () => Promise<void>,
  limitMs = GREETING_HOLD_LIMIT_MS,
): Promise<void> {
  let speech: voice.SpeechHandle | undefined;
  const onSpeech = (event: voice.SpeechCreatedEvent) => {
    speech ??= event.speechHandle;
  };
  session.on(voice.AgentSessionEventTypes.SpeechCreated, onSpeech);
  try {
    await speak();
  } finally {
    session.off(voice.AgentSessionEventTypes.SpeechCreated, onSpeech);
  }
  if (!speech) return;
  // At most `limitMs`: past it the call goes on as if the greeting had played out.
  await waitUntilTimeout(speech.waitForPlayout(), limitMs).catch(() => undefined);
}
