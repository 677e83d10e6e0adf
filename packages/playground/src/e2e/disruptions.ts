import type {
  ContextTurn,
  Reaction,
  ReceivedMessage,
  ServerEvent,
} from '@voice-agent/agent/testing';
import { offlineDemoReactions } from '../demo/conversation.js';

/** Time the client gets to act on a goAway before the turn goes on (Gemini streams on). */
const AFTER_GO_AWAY = { type: 'wait', ms: 300 } as const;

type Reply = (received: ReceivedMessage, context: ContextTurn[]) => ServerEvent[];

/** The offline demo's answer to a typed turn (as the playground's stand-in plays it). */
function demoTypedReply(): Reply {
  const rule = offlineDemoReactions().find((r) => r.on === 'clientTurn');
  if (typeof rule?.reply !== 'function') throw new Error('the demo has no typed-turn reply');
  return rule.reply;
}

/**
 * The demo's next typed answer with a `goAway` in the middle of its audio: half the audio,
 * `goAway{timeLeft}`, the other half, then the transcript and the end of the turn.
 */
export function goAwayMidAnswer(timeLeft = '5s'): Reaction {
  const reply = demoTypedReply();
  return {
    on: 'clientTurn',
    times: 1,
    reply: (received, context) =>
      reply(received, context).flatMap((event): ServerEvent[] => {
        if (event.type !== 'audio') return [event];
        const half = Math.floor(event.pcm.length / 2);
        return [
          { type: 'audio', pcm: event.pcm.subarray(0, half) },
          { type: 'goAway', timeLeft },
          AFTER_GO_AWAY,
          { type: 'audio', pcm: event.pcm.subarray(half) },
        ];
      }),
  };
}

/** The demo's next typed answer (a tool call) followed by a `goAway` while the tool runs. */
export function goAwayDuringToolCall(timeLeft = '5s'): Reaction {
  const reply = demoTypedReply();
  return {
    on: 'clientTurn',
    times: 1,
    reply: (received, context) =>
      reply(received, context).flatMap((event): ServerEvent[] =>
        event.type === 'toolCall' ? [event, { type: 'goAway', timeLeft }, AFTER_GO_AWAY] : [event],
      ),
  };
}
