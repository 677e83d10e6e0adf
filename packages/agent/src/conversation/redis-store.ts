import { createClient } from '@redis/client';
import { withinTimeLimit } from '../time-limit.js';
import {
  type ConversationStore,
  type ConversationTurn,
  MAX_STORED_TURNS,
  STORED_CONVERSATION_TTL_SECONDS,
} from './store.js';

/** Key prefix of the stored conversations: `voice-agent:conversation:<room>`. */
export const REDIS_KEY_PREFIX = 'voice-agent:conversation:';

/** How long a Redis command may take before the store reports it failed. */
const COMMAND_TIMEOUT_MS = 2_000;
/** How long connecting may take, retries included. */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * Conversations in Redis: one list per room (a JSON turn per element), trimmed to
 * {@link MAX_STORED_TURNS} and expiring {@link STORED_CONVERSATION_TTL_SECONDS} after its
 * last turn, so every worker of a fleet can resume any call.
 */
export class RedisConversationStore implements ConversationStore {
  readonly #client: Client;

  private constructor(client: Client) {
    this.#client = client;
  }

  /** Connects to `url` (`redis://[[user]:password@]host[:port][/db]`, or `rediss://`). */
  static async connect(url: string): Promise<RedisConversationStore> {
    const client = newClient(url);
    // Without a listener a dropped connection would be an uncaught error; commands fail instead.
    client.on('error', () => undefined);
    try {
      await withinTimeLimit(
        client.connect(),
        CONNECT_TIMEOUT_MS,
        () => new Error(`Redis did not answer within ${CONNECT_TIMEOUT_MS} ms`),
      );
    } catch (error) {
      // Stops its reconnect attempts.
      client.destroy();
      throw error;
    }
    return new RedisConversationStore(client);
  }

  async load(room: string): Promise<ConversationTurn[]> {
    const items = await this.#client.lRange(REDIS_KEY_PREFIX + room, 0, -1);
    return items.flatMap((item) => {
      const turn = parseTurn(item);
      return turn ? [turn] : [];
    });
  }

  async append(room: string, turn: ConversationTurn): Promise<void> {
    const key = REDIS_KEY_PREFIX + room;
    await this.#client
      .multi()
      .rPush(key, JSON.stringify({ role: turn.role, text: turn.text }))
      .lTrim(key, -MAX_STORED_TURNS, -1)
      .expire(key, STORED_CONVERSATION_TTL_SECONDS)
      .exec();
  }

  async clear(room: string): Promise<void> {
    await this.#client.del(REDIS_KEY_PREFIX + room);
  }

  async close(): Promise<void> {
    if (this.#client.isOpen) await this.#client.close();
  }
}

function newClient(url: string) {
  return createClient({
    url,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    socket: {
      connectTimeout: COMMAND_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(retries * 100, 2_000),
    },
  });
}
type Client = ReturnType<typeof newClient>;

/** A stored element as a turn; anything else (written by something else) is skipped. */
function parseTurn(item: string): ConversationTurn | undefined {
  try {
    const value = JSON.parse(item) as Partial<ConversationTurn>;
    if ((value.role === 'user' || value.role === 'assistant') && typeof value.text === 'string') {
      return { role: value.role, text: value.text };
    }
  } catch {
    // not one of ours
  }
  return undefined;
}
