import { ParticipantInfo_Kind, RoomConfiguration } from '@livekit/protocol';
import { decodeJwt } from 'jose';
import { type ClaimGrants, TokenVerifier } from 'livekit-server-sdk';

/** Stable codes for every way a token can be refused. */
export type TokenErrorCode =
  | 'token_missing'
  | 'token_malformed'
  | 'unknown_api_key'
  | 'invalid_signature'
  | 'token_expired'
  | 'join_not_allowed'
  | 'room_missing'
  | 'identity_missing';

/** A refused token: `status` is the HTTP status LiveKit answers with (401). */
export class TokenError extends Error {
  readonly status = 401;
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/** The grants of a verified participant token, in the shape the server needs. */
export interface ParticipantGrant {
  apiKey: string;
  identity: string;
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  room: string;
  kind: ParticipantInfo_Kind;
  canPublish: boolean;
  canSubscribe: boolean;
  canPublishData: boolean;
  canUpdateOwnMetadata: boolean;
  hidden: boolean;
  agent: boolean;
  roomConfig?: RoomConfiguration;
}

const KINDS: Record<string, ParticipantInfo_Kind> = {
  standard: ParticipantInfo_Kind.STANDARD,
  agent: ParticipantInfo_Kind.AGENT,
  ingress: ParticipantInfo_Kind.INGRESS,
  egress: ParticipantInfo_Kind.EGRESS,
  sip: ParticipantInfo_Kind.SIP,
};

/** Reads the issuer (API key) without verifying, to pick the secret to verify with. */
function unverifiedIssuer(token: string): string {
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw new TokenError('token_malformed', 'access token is not a JWT');
  }
  if (typeof issuer !== 'string') {
    throw new TokenError('token_malformed', 'access token payload is not valid');
  }
  return issuer;
}

/** Verifies signature and expiry against `keys` (API key → secret) and returns the raw claims. */
export async function verifyClaims(
  token: string,
  keys: Record<string, string>,
): Promise<ClaimGrants> {
  if (!token) throw new TokenError('token_missing', 'no access token');
  const apiKey = unverifiedIssuer(token);
  const secret = keys[apiKey];
  if (secret === undefined) throw new TokenError('unknown_api_key', 'unknown API key');
  try {
    return { ...(await new TokenVerifier(apiKey, secret).verify(token, 0)), iss: apiKey };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') throw new TokenError('token_expired', 'access token expired');
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
      throw new TokenError('invalid_signature', 'access token signature is invalid');
    }
    throw new TokenError('token_malformed', 'access token could not be verified');
  }
}

/** Verifies a participant token and checks that it may join a room. */
export async function verifyJoinToken(
  token: string,
  keys: Record<string, string>,
): Promise<ParticipantGrant> {
  const claims = await verifyClaims(token, keys);
  const video = claims.video ?? {};
  if (!video.roomJoin) throw new TokenError('join_not_allowed', 'token does not grant roomJoin');
  if (!video.room) throw new TokenError('room_missing', 'token names no room');
  if (!claims.sub) throw new TokenError('identity_missing', 'token has no identity');
  return {
    apiKey: claims.iss ?? '',
    identity: claims.sub,
    name: claims.name ?? '',
    metadata: claims.metadata ?? '',
    attributes: { ...(claims.attributes ?? {}) },
    room: video.room,
    kind: KINDS[claims.kind ?? ''] ?? ParticipantInfo_Kind.STANDARD,
    canPublish: video.canPublish ?? true,
    canSubscribe: video.canSubscribe ?? true,
    canPublishData: video.canPublishData ?? true,
    canUpdateOwnMetadata: video.canUpdateOwnMetadata ?? false,
    hidden: video.hidden ?? false,
    agent: video.agent ?? false,
    roomConfig: claims.roomConfig
      ? RoomConfiguration.fromJson(claims.roomConfig as never, { ignoreUnknownFields: true })
      : undefined,
  };
}

/** An agent: `kind: agent`, or the `agent` video grant of a job token. */
export function isAgentGrant(grant: ParticipantGrant): boolean {
  return grant.kind === ParticipantInfo_Kind.AGENT || grant.agent;
}
