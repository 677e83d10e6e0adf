import { type llm, log, voice } from '@livekit/agents';
import { withinTimeLimit } from '../time-limit.js';
import type { ConversationStore, ConversationTurn } from './store.js';

/** The longest a store operation may hold up a call before the call goes on without it. */
export const STORE_WAIT_MS = 2_000;

/** What {@link keepConversation} found and does. */
export interface KeptConversation {
  /** The turns restored into the agent: a previous agent of this call had them. */
  restored: number;
  /** Forgets the conversation (the call is over for good); waits for pending writes. */
  forget(): Promise<void>;
  /** Resolves once every turn so far is written (or given up on). */
  written(): Promise<void>;
}

/**
 * Ties a call's conversation to `store`: restores the turns a previous agent of this room
 * stored into `agent` (call before `session.start`, so the model gets them as history when
 * it connects) and stores each turn the session adds from now on: the visitor's words as
 * transcribed or typed, and the agent's answers. A store that fails or is slow costs the
 * call its resumability, never the call itself: the failure is logged and the call goes on.
 */
export async function keepConversation(
  store: ConversationStore,
  room: string,
  session: voice.AgentSession,
  agent: voice.Agent,
): Promise<KeptConversation> {
  const logger = log();
  const turns = (await withinLimit(store.load(room), 'load')) ?? [];
  if (turns.length > 0) {
    const history = agent.chatCtx.copy();
    for (const turn of turns) history.addMessage({ role: turn.role, content: turn.text });
    await agent.updateChatCtx(history);
    logger.info({ room, turns: turns.length }, 'resuming the stored conversation');
  }
  let writes: Promise<unknown> = Promise.resolve();
  session.on(voice.AgentSessionEventTypes.ConversationItemAdded, ({ item }) => {
    const turn = turnOf(item);
    if (!turn) return;
    // In order: each write starts after the one before it settled.
    writes = writes.then(() => withinLimit(store.append(room, turn), 'append'));
  });
  return {
    restored: turns.length,
    written: async () => {
      await writes;
    },
    forget: async () => {
      await writes;
      await withinLimit(store.clear(room), 'clear');
    },
  };

  async function withinLimit<T>(operation: Promise<T>, what: string): Promise<T | undefined> {
    try {
      return await withinTimeLimit(
        operation,
        STORE_WAIT_MS,
        () => new Error(`no answer within ${STORE_WAIT_MS} ms`),
      );
    } catch (error) {
      logger.warn({ room, error: String(error) }, `conversation store ${what} failed`);
      return undefined;
    }
  }
}

/** A message the visitor or the agent said, as a stored turn (tool items and handoffs: none). */
function turnOf(item: llm.ChatMessage | llm.AgentHandoffItem): ConversationTurn | undefined {
  if (item.type !== 'message') return undefined;
  if (item.role !== 'user' && item.role !== 'assistant') return undefined;
  const text = item.textContent?.trim();
  return text ? { role: item.role, text } : undefined;
}
