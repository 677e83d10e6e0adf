/** One turn of a conversation, as the agent heard or said it. */
export interface ConversationTurn {
  role: 'user' | 'assistant';
  text: string;
}

/**
 * Where a call's conversation is kept so that a job dispatched again after its worker died
 * (`resuming`) goes on with it. Keyed by room: the token service chooses a new room per call,
 * so a room's turns are one call's. Only the agent writes to it, from its own session's
 * transcript; nothing the visitor's page sends is stored as it came (docs/architecture.md).
 */
export interface ConversationStore {
  /** The room's turns, oldest first (none: a new call). */
  load(room: string): Promise<ConversationTurn[]>;
  /** Adds a turn; the store keeps the latest {@link MAX_STORED_TURNS}. */
  append(room: string, turn: ConversationTurn): Promise<void>;
  /** Forgets the room's conversation: the call is over for good. */
  clear(room: string): Promise<void>;
  /** Releases the store's connection, if any. */
  close(): Promise<void>;
}

/** The most turns a store keeps per room: a resumed model gets at most these. */
export const MAX_STORED_TURNS = 200;
/** The longest a conversation outlives its last turn in a store that expires keys. */
export const STORED_CONVERSATION_TTL_SECONDS = 60 * 60;

/**
 * The default store: this process's memory. A worker runs each call in its own job process,
 * so nothing here survives the worker's death; it serves a single process and tests. Set
 * `VOICE_AGENT_REDIS_URL` for conversations that outlive their worker.
 */
export class MemoryConversationStore implements ConversationStore {
  readonly #rooms = new Map<string, ConversationTurn[]>();

  async load(room: string): Promise<ConversationTurn[]> {
    return [...(this.#rooms.get(room) ?? [])];
  }

  async append(room: string, turn: ConversationTurn): Promise<void> {
    const turns = this.#rooms.get(room) ?? [];
    turns.push({ role: turn.role, text: turn.text });
    if (turns.length > MAX_STORED_TURNS) turns.splice(0, turns.length - MAX_STORED_TURNS);
    this.#rooms.set(room, turns);
  }

  async clear(room: string): Promise<void> {
    this.#rooms.delete(room);
  }

  async close(): Promise<void> {}
}
