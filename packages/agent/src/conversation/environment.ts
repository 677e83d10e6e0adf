import { log } from '@livekit/agents';
import { RedisConversationStore } from './redis-store.js';
import { type ConversationStore, MemoryConversationStore } from './store.js';

/** Redis URL of the conversation store; unset: each job process's memory (no failover). */
export const REDIS_URL_VARIABLE = 'VOICE_AGENT_REDIS_URL';

/**
 * The store `VOICE_AGENT_REDIS_URL` selects: Redis when set (every worker of a fleet must
 * use the same one), else {@link MemoryConversationStore}. A Redis that cannot be reached
 * costs the call its resumability, not the call: it is logged as an error and the call
 * keeps its conversation in memory.
 */
export async function conversationStoreOf(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConversationStore> {
  const url = env[REDIS_URL_VARIABLE];
  if (!url) return new MemoryConversationStore();
  try {
    return await RedisConversationStore.connect(url);
  } catch (error) {
    log().error(
      { error: String(error) },
      `${REDIS_URL_VARIABLE} is set but Redis is unreachable: this call cannot be resumed`,
    );
    return new MemoryConversationStore();
  }
}
