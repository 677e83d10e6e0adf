import {
  RequestResponse,
  RequestResponse_Reason,
  type UpdateParticipantMetadata,
} from '@livekit/protocol';
import type { Participant } from '../room/participant.js';
import type { Room } from '../room/room.js';

/**
 * Metadata, name and attributes a participant sets on itself (needs canUpdateOwnMetadata):
 * applied and told to the room, and the answer the client waits for.
 */
export function updateOwnMetadata(
  participant: Participant,
  room: Room,
  update: UpdateParticipantMetadata,
): RequestResponse {
  const respond = (reason: RequestResponse_Reason, message: string) =>
    new RequestResponse({
      requestId: update.requestId,
      reason,
      message,
      request: { case: 'updateMetadata', value: update },
    });
  if (!participant.grant.canUpdateOwnMetadata) {
    return respond(RequestResponse_Reason.NOT_ALLOWED, 'token does not grant canUpdateOwnMetadata');
  }
  if (update.metadata) participant.metadata = update.metadata;
  if (update.name) participant.name = update.name;
  for (const [key, value] of Object.entries(update.attributes)) {
    if (value === '') delete participant.attributes[key];
    else participant.attributes[key] = value;
  }
  room.broadcast(participant);
  return respond(RequestResponse_Reason.OK, '');
}
