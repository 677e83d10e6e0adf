import { initializeLogger } from '@livekit/agents';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../testing/redis-server.js';
import { conversationStoreOf, REDIS_URL_VARIABLE } from './environment.js';
import { REDIS_KEY_PREFIX, RedisConversationStore } from './redis-store.js';
import { type ConversationStore, MAX_STORED_TURNS, MemoryConversationStore } from './store.js';

initializeLogger({ pretty: false, level: 'fatal' });

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
  return () => redis.stop();
});

const stores: [string, () => Promise<ConversationStore>][] = [
  ['in memory', async () => new MemoryConversationStore()],
  ['in Redis', () => RedisConversationStore.connect(redis.url)],
];

describe.each(stores)('a conversation store %s', (_name, open) => {
  let store: ConversationStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store.close());

  it('gives back a room’s turns in order, and nothing for another room', async () => {
    await store.append('room-a', { role: 'user', text: 'My name is Ada.' });
    await store.append('room-a', { role: 'assistant', text: 'Hello Ada.' });
    await store.append('room-b', { role: 'user', text: 'Someone else.' });
    expect(await store.load('room-a')).toEqual([
      { role: 'user', text: 'My name is Ada.' },
      { role: 'assistant', text: 'Hello Ada.' },
    ]);
    expect(await store.load('room-c')).toEqual([]);
  });

  it('keeps only the latest turns', async () => {
    for (let i = 0; i < MAX_STORED_TURNS + 5; i++) {
      await store.append('long-room', { role: 'user', text: `turn ${i}` });
    }
    const turns = await store.load('long-room');
    expect(turns).toHaveLength(MAX_STORED_TURNS);
    expect(turns[0]?.text).toBe('turn 5');
  });

  it('forgets a room once cleared', async () => {
    await store.append('ended-room', { role: 'user', text: 'bye' });
    await store.clear('ended-room');
    expect(await store.load('ended-room')).toEqual([]);
  });
});

describe('the Redis store', () => {
  it('is what VOICE_AGENT_REDIS_URL selects; another worker’s process sees the same turns', async () => {
    const writer = await conversationStoreOf({ [REDIS_URL_VARIABLE]: redis.url });
    const reader = await conversationStoreOf({ [REDIS_URL_VARIABLE]: redis.url });
    expect(writer).toBeInstanceOf(RedisConversationStore);
    await writer.append('shared-room', { role: 'user', text: 'Remember me.' });
    expect(await reader.load('shared-room')).toEqual([{ role: 'user', text: 'Remember me.' }]);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('skips elements of the list that are not turns', async () => {
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const store = await RedisConversationStore.connect(redis.url);
    await store.append('mixed-room', { role: 'user', text: 'real' });
    await raw.rPush(`${REDIS_KEY_PREFIX}mixed-room`, ['not json', '{"role":"system","text":"x"}']);
    expect(await store.load('mixed-room')).toEqual([{ role: 'user', text: 'real' }]);
    await Promise.all([store.close(), raw.close()]);
  });

  it('falls back to memory, loudly, when Redis is unreachable', async () => {
    const store = await conversationStoreOf({ [REDIS_URL_VARIABLE]: 'redis://127.0.0.1:1' });
    expect(store).toBeInstanceOf(MemoryConversationStore);
  });
});
