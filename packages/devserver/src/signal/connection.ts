import {
  DisconnectReason,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  Pong,
  SessionDescription,
  SignalRequest,
  SignalResponse,
  SignalTarget,
} from '@livekit/protocol';
import type { WebSocket } from 'ws';
import type { ParticipantGrant } from '../auth/token.js';
import { Participant } from '../room/participant.js';
import type { Room } from '../room/room.js';
import { trace } from '../server/log.js';
import type { JoinSettings } from './join-request.js';
import { updateOwnMetadata } from './metadata.js';
import { serverInfo } from './server-info.js';

/** LiveKit's ping settings, sent in the JoinResponse: the client pings every interval. */
const DEFAULT_PING_TIMEOUT_S = 15;
const PING_INTERVAL_S = 5;

/**
 * One client's signalling WebSocket (`/rtc/v1`, or `/rtc` with a second, server-offered
 * connection): sends the JoinResponse, answers the client's offers and runs every request
 * until the client leaves or the socket drops.
 */
export class SignalConnection {
  readonly participant: Participant;
  private closed = false;
  private readonly socketClosed: Promise<void>;
  private silenceTimer: NodeJS.Timeout | undefined;

  /**
   * `pingTimeoutS`: a client that sends nothing, not even its ping, for this long is gone
   * (a laptop that slept, a dropped network): its socket is closed and it leaves the room,
   * as on LiveKit, instead of keeping its agent and that agent's model session alive.
   */
  constructor(
    private readonly socket: WebSocket,
    private readonly room: Room,
    grant: ParticipantGrant,
    private readonly settings: JoinSettings,
    private readonly pingTimeoutS = DEFAULT_PING_TIMEOUT_S,
  ) {
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.participant = new Participant(
      grant,
      {
        send: (message) => this.send(message),
        close: () => this.close(),
        closed: this.socketClosed,
      },
      room.peerHandlers(),
      settings.dualPeerConnection,
    );
    this.participant.clientProtocol = settings.clientProtocol;
    this.participant.autoSubscribe = settings.autoSubscribe;
  }

  /** Sends the JoinResponse, enters the room and starts reading requests. */
  start(): void {
    const others = this.room.others(this.participant).filter((p) => !p.grant.hidden);
    this.send({
      case: 'join',
      value: new JoinResponse({
        room: this.room.info(),
        participant: this.participant.info(),
        otherParticipants: others.map((other) => other.info()),
        serverVersion: serverInfo().version,
        serverInfo: serverInfo(),
        serverRegion: 'local',
        subscriberPrimary: false,
        pingInterval: Math.min(PING_INTERVAL_S, Math.max(1, Math.floor(this.pingTimeoutS / 3))),
        pingTimeout: this.pingTimeoutS,
      }),
    });
    const offer = this.settings.publisherOffer;
    if (offer) this.participant.offerTurns.expectOffer();
    this.room.add(this.participant);
    this.expectWithinPingTimeout();
    this.socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.expectWithinPingTimeout();
      let request: SignalRequest;
      try {
        request = isBinary
          ? SignalRequest.fromBinary(new Uint8Array(data))
          : SignalRequest.fromJsonString(data.toString('utf8'));
      } catch (error) {
        trace('%s: unreadable request: %s', this.participant.identity, (error as Error).message);
        return;
      }
      this.handle(request).catch((error) => {
        if (request.message.case === 'offer' || request.message.case === 'answer') {
          this.fail(request.message.case, error);
        } else trace('%s failed: %O', request.message.case, error);
      });
    });
    this.socket.on('error', (error) =>
      trace('%s socket error: %s', this.participant.identity, error.message),
    );
    this.socket.on('close', () => {
      this.closed = true;
      clearTimeout(this.silenceTimer);
      void this.room.remove(this.participant, DisconnectReason.SIGNAL_CLOSE);
    });
    if (offer) this.answer(offer).catch((error) => this.fail('answer', error));
  }

  private expectWithinPingTimeout(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      trace('%s: silent for %d s, closing', this.participant.identity, this.pingTimeoutS);
      this.socket.terminate();
    }, this.pingTimeoutS * 1000);
    this.silenceTimer.unref();
  }

  private send(message: SignalResponse['message']): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    trace('%s <- %s', this.participant.identity, message.case);
    this.socket.send(new SignalResponse({ message }).toBinary());
  }

  /**
   * A negotiation the server cannot complete would leave the client waiting: it is told to
   * leave instead (STATE_MISMATCH), and the socket closes.
   */
  private fail(what: string, error: unknown): void {
    trace('%s: %s failed: %O', this.participant.identity, what, error);
    this.send({
      case: 'leave',
      value: new LeaveRequest({
        canReconnect: false,
        reason: DisconnectReason.STATE_MISMATCH,
        action: LeaveRequest_Action.DISCONNECT,
      }),
    });
    void this.room.remove(this.participant, DisconnectReason.STATE_MISMATCH);
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(1000, 'disconnected');
  }

  private async answer(offer: SessionDescription): Promise<void> {
    this.participant.offerTurns.offerReceived();
    const answer = await this.participant.peer.answer(offer.sdp);
    this.send({
      case: 'answer',
      value: new SessionDescription({
        type: 'answer',
        sdp: answer.sdp,
        id: offer.id,
        midToTrackId: answer.midToTrackId,
      }),
    });
    this.participant.offerTurns.answered();
    this.room.connectDowntracks(this.participant, answer.added);
  }

  private async handle({ message }: SignalRequest): Promise<void> {
    const { participant, room } = this;
    trace('%s -> %s', participant.identity, message.case);
    switch (message.case) {
      case 'offer':
        await this.answer(message.value);
        break;
      case 'answer':
        if (participant.dualPeerConnection) {
          await participant.subscriberPeer().answer(message.value.sdp, message.value.id);
        }
        break;
      case 'trickle': {
        const candidate = JSON.parse(message.value.candidateInit);
        if (message.value.target === SignalTarget.SUBSCRIBER && participant.dualPeerConnection) {
          await participant.subscriberPeer().addCandidate(candidate);
        } else {
          await participant.peer.addCandidate(candidate);
        }
        break;
      }
      case 'addTrack':
        room.addTrack(participant, message.value);
        break;
      case 'mute':
        room.updateTrack(participant, message.value.sid, (info) => {
          info.muted = message.value.muted;
        });
        break;
      case 'updateAudioTrack':
        room.updateTrack(participant, message.value.trackSid, (info) => {
          info.audioFeatures = message.value.features;
        });
        break;
      case 'updateMetadata':
        this.send({
          case: 'requestResponse',
          value: updateOwnMetadata(participant, room, message.value),
        });
        break;
      case 'subscription':
        room.updateSubscription(participant, message.value.trackSids, message.value.subscribe);
        break;
      case 'leave':
        await room.remove(participant, DisconnectReason.CLIENT_INITIATED);
        this.close();
        break;
      case 'ping':
        this.send({ case: 'pong', value: BigInt(Date.now()) });
        break;
      case 'pingReq':
        this.send({
          case: 'pongResp',
          value: new Pong({
            lastPingTimestamp: message.value.timestamp,
            timestamp: BigInt(Date.now()),
          }),
        });
        break;
      default:
        break;
    }
  }
}
