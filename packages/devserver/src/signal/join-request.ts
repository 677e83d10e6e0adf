import { gunzipSync } from 'node:zlib';
import {
  ClientInfo_SDK,
  DisconnectReason,
  JoinRequest,
  LeaveRequest,
  LeaveRequest_Action,
  type SessionDescription,
  SignalResponse,
  WrappedJoinRequest,
  WrappedJoinRequest_Compression,
} from '@livekit/protocol';
import type { WebSocket } from 'ws';

/** The token from `access_token=` (livekit-client) or `Authorization: Bearer` (rtc-node). */
export function tokenFrom(url: URL, authorization: string | undefined): string {
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
  return url.searchParams.get('access_token') ?? bearer ?? '';
}

/** Reads `/rtc/v1?join_request=` (base64url WrappedJoinRequest, maybe gzip); undefined if absent. */
export function joinRequestFrom(url: URL): JoinRequest | undefined {
  const encoded = url.searchParams.get('join_request');
  if (!encoded) return undefined;
  const wrapped = WrappedJoinRequest.fromBinary(new Uint8Array(Buffer.from(encoded, 'base64url')));
  const bytes =
    wrapped.compression === WrappedJoinRequest_Compression.GZIP
      ? gunzipSync(wrapped.joinRequest)
      : wrapped.joinRequest;
  return JoinRequest.fromBinary(new Uint8Array(bytes));
}

/** What a client asked for when it joined, from either signalling path. */
export interface JoinSettings {
  /** `/rtc`: publisher and subscriber connections; `/rtc/v1`: one connection. */
  dualPeerConnection: boolean;
  clientProtocol: number;
  /** The client's SDK (livekit-client: `JS`), as its join says. */
  sdk: ClientInfo_SDK | undefined;
  autoSubscribe: boolean;
  /** The client asks to resume its earlier connection: that participant's sid. */
  resume: boolean;
  participantSid?: string;
  publisherOffer?: SessionDescription;
}

/** Reads the join settings: a JoinRequest on `/rtc/v1`, query parameters on `/rtc`. */
export function joinSettingsFrom(url: URL, dualPeerConnection: boolean): JoinSettings {
  if (dualPeerConnection) {
    return {
      dualPeerConnection,
      clientProtocol: Number(url.searchParams.get('client_protocol') ?? 0) || 0,
      sdk: url.searchParams.get('sdk') === 'js' ? ClientInfo_SDK.JS : undefined,
      autoSubscribe: url.searchParams.get('auto_subscribe') !== '0',
      resume: url.searchParams.get('reconnect') === '1',
      participantSid: url.searchParams.get('sid') ?? undefined,
    };
  }
  const join = joinRequestFrom(url);
  return {
    dualPeerConnection,
    clientProtocol: join?.clientInfo?.clientProtocol ?? 0,
    sdk: join?.clientInfo?.sdk,
    autoSubscribe: join?.connectionSettings?.autoSubscribe ?? true,
    resume: join?.reconnect ?? false,
    participantSid: join?.participantSid || undefined,
    publisherOffer: join?.publisherOffer,
  };
}

/**
 * Answers a resume of a participant that is no longer kept with a leave that asks for a full
 * reconnect, then closes.
 */
export function refuseResume(socket: WebSocket): void {
  const leave = new LeaveRequest({
    canReconnect: true,
    reason: DisconnectReason.STATE_MISMATCH,
    action: LeaveRequest_Action.RECONNECT,
  });
  socket.send(new SignalResponse({ message: { case: 'leave', value: leave } }).toBinary());
  socket.close(1000, 'resume not supported');
}
