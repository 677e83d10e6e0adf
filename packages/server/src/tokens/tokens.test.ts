import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, verifyToken } from '../testing/fixtures.js';
import { mintParticipantToken, randomIdentity, randomRoomName } from './tokens.js';

const input = {
  apiKey: TEST_CREDENTIALS.apiKey,
  apiSecret: TEST_CREDENTIALS.apiSecret,
  ttlSeconds: 600,
  roomName: 'room-a',
  identity: 'visitor-a',
  agentName: 'helper',
};

describe('mintParticipantToken', () => {
  it('signs a least-privilege join token for one room that LiveKit verifies', async () => {
    const claims = await verifyToken(await mintParticipantToken(input));
    expect(claims.iss).toBe(TEST_CREDENTIALS.apiKey);
    expect(claims.sub).toBe('visitor-a');
    expect(claims.video).toEqual({
      room: 'room-a',
      roomJoin: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    expect(claims.exp).toBeDefined();
    expect(claims.nbf).toBeDefined();
    expect((claims.exp as number) - (claims.nbf as number)).toBe(600);
  });

  it('writes the agent dispatch into the room configuration', async () => {
    const claims = await verifyToken(
      await mintParticipantToken({ ...input, agentMetadata: '{"plan":"pro"}' }),
    );
    const roomConfig = JSON.parse(JSON.stringify(claims.roomConfig));
    expect(roomConfig.agents).toHaveLength(1);
    expect(roomConfig.agents[0]).toMatchObject({ agentName: 'helper', metadata: '{"plan":"pro"}' });
  });

  it('carries name, metadata and attributes when given', async () => {
    const claims = await verifyToken(
      await mintParticipantToken({
        ...input,
        name: 'Ada',
        metadata: 'm',
        attributes: { tier: 'gold' },
      }),
    );
    expect({ name: claims.name, metadata: claims.metadata, attributes: claims.attributes }).toEqual(
      { name: 'Ada', metadata: 'm', attributes: { tier: 'gold' } },
    );
  });

  it('produces a token that another secret does not verify', async () => {
    const token = await mintParticipantToken(input);
    await expect(
      new TokenVerifier(TEST_CREDENTIALS.apiKey, 'another-secret-0123456789-abcdefghij').verify(
        token,
      ),
    ).rejects.toThrow();
  });
});

describe('random names', () => {
  it('are fresh each time', () => {
    expect(randomRoomName()).not.toBe(randomRoomName());
    expect(randomIdentity()).not.toBe(randomIdentity());
    expect(randomRoomName()).toMatch(/^voice-[0-9a-f-]{36}$/);
  });
});
