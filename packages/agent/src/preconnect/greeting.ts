import { voice } from '@livekit/agents';

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
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    speech.waitForPlayout().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, limitMs);
    }),
  ]);
  clearTimeout(timer);
}
