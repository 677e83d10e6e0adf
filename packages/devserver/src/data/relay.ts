import { DataPacket } from '@livekit/protocol';
import type { RTCDataChannel } from 'werift';
import type { Participant } from '../room/participant.js';
import type { Room } from '../room/room.js';
import { trace } from '../server/log.js';

/** The data channels LiveKit clients open: ordered reliable, and unordered lossy. */
const RELAYED_LABELS = new Set(['_reliable', '_lossy']);

/**
 * Relays one DataPacket from `sender` to the rest of the room: the sender's identity and sid
 * are stamped on it (clients de-duplicate reliable packets per sender sid), and
 * destination identities are honoured on the outer packet and inside a user packet; a
 * reliable packet whose sequence number the sender already used is dropped. Returns the
 * identities it was delivered to.
 */
export function relayDataPacket(
  room: Room,
  sender: Participant,
  label: string,
  bytes: Uint8Array,
): string[] {
  if (!RELAYED_LABELS.has(label) || !sender.grant.canPublishData) return [];
  let packet: DataPacket;
  try {
    packet = DataPacket.fromBinary(bytes);
  } catch {
    return [];
  }
  // A client that resends its reliable buffer (after a reconnect) repeats sequence numbers.
  if (label === '_reliable' && packet.sequence > 0) {
    if (packet.sequence <= sender.lastReliableSequence) return [];
    sender.lastReliableSequence = packet.sequence;
  }
  packet.participantIdentity = sender.identity;
  packet.participantSid = sender.sid;
  const destinations = new Set(packet.destinationIdentities);
  if (packet.value.case === 'user') {
    const user = packet.value.value;
    user.participantIdentity = sender.identity;
    user.participantSid = sender.sid;
    for (const identity of user.destinationIdentities) destinations.add(identity);
  }
  if (packet.value.case === 'streamHeader') {
    trace('%s opens a %s stream', sender.identity, packet.value.value.topic);
  }
  const stamped = packet.toBinary();
  const delivered: string[] = [];
  for (const other of room.others(sender)) {
    if (destinations.size > 0 && !destinations.has(other.identity)) continue;
    other.sendData(label, stamped);
    delivered.push(other.identity);
  }
  return delivered;
}

/** Wires a participant's data channel to the relay. */
export function relayChannel(room: Room, sender: Participant, channel: RTCDataChannel): void {
  channel.onMessage.subscribe((message) => {
    if (typeof message === 'string') return;
    relayDataPacket(room, sender, channel.label, message);
  });
}
