import { DataPacket, DataPacket_Kind, ParticipantInfo_Kind, UserPacket } from '@livekit/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParticipantGrant } from '../auth/token.js';
import { Participant } from '../room/participant.js';
import { Room } from '../room/room.js';
import { relayDataPacket } from './relay.js';

function grant(identity: string, overrides: Partial<ParticipantGrant> = {}): ParticipantGrant {
  return {
    apiKey: 'devkey',
    identity,
    name: '',
    metadata: '',
    attributes: {},
    room: 'relay',
    kind: ParticipantInfo_Kind.STANDARD,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
    hidden: false,
    agent: false,
    ...overrides,
  };
}

const members: Participant[] = [];
afterEach(async () => {
  await Promise.all(members.splice(0).map((member) => member.closePeers()));
});

function roomWith(...grants: ParticipantGrant[]): { room: Room; people: Participant[] } {
  const room = new Room('relay', { onDataChannel: () => undefined, onEmpty: () => undefined });
  const signal = {
    send: () => undefined,
    close: () => undefined,
    closed: new Promise<void>(() => {}),
  };
  const people = grants.map((g) => new Participant(g, signal, room.peerHandlers()));
  members.push(...people);
  for (const person of people) room.participants.set(person.sid, person);
  return { room, people };
}

function userPacket(text: string, sequence: number, destinations: string[] = []): Uint8Array {
  return new DataPacket({
    kind: DataPacket_Kind.RELIABLE,
    sequence,
    value: {
      case: 'user',
      value: new UserPacket({
        payload: new TextEncoder().encode(text),
        destinationIdentities: destinations,
      }),
    },
  }).toBinary();
}

describe('relayDataPacket', () => {
  it('delivers to everyone else, or only to the named destinations', () => {
    const { room, people } = roomWith(grant('a'), grant('b'), grant('c'));
    const [a] = people as [Participant];
    expect(relayDataPacket(room, a, '_reliable', userPacket('all', 1))).toEqual(['b', 'c']);
    expect(relayDataPacket(room, a, '_reliable', userPacket('to c', 2, ['c']))).toEqual(['c']);
  });

  it('drops a reliable packet whose sequence number the sender already used', () => {
    const { room, people } = roomWith(grant('a'), grant('b'));
    const [a] = people as [Participant];
    expect(relayDataPacket(room, a, '_reliable', userPacket('first', 1))).toEqual(['b']);
    expect(relayDataPacket(room, a, '_reliable', userPacket('first again', 1))).toEqual([]);
    expect(relayDataPacket(room, a, '_reliable', userPacket('second', 2))).toEqual(['b']);
  });

  it('relays nothing from a participant without canPublishData, and ignores other channels', () => {
    const { room, people } = roomWith(grant('quiet', { canPublishData: false }), grant('b'));
    const [quiet, b] = people as [Participant, Participant];
    expect(relayDataPacket(room, quiet, '_reliable', userPacket('psst', 1))).toEqual([]);
    expect(relayDataPacket(room, b, '_data_track', userPacket('x', 1))).toEqual([]);
    expect(relayDataPacket(room, b, '_reliable', new Uint8Array([0xff, 0xff]))).toEqual([]);
  });
});
