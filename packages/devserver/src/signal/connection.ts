import {
  DisconnectReason,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  SessionDescription,
  SignalRequest,
  SignalResponse,
} from '@livekit/protocol';
import type { WebSocket } from 'ws';
import type { ParticipantGrant } from '../auth/token.js';
import { Participant, type SignalSink } from '../room/participant.js';
import type { Room } from '../room/room.js';
import { trace } from '../server/log.js';
import type { JoinSettings } from './join-request.js';
import { askHoldFor } from './offer-turns.js';
import { handleRequest, type SignalClient } from './requests.js';
import { keepForResume, resumeResponses } from './resume.js';
import { serverInfo } from './server-info.js';

/** LiveKit's ping settings, sent in the JoinResponse: the client pings every interval. */
const DEFAULT_PING_TIMEOUT_S = 15;
const PING_INTERVAL_S = 5;

/**
 * One client's signalling WebSocket (`/rtc/v1`, or `/rtc` with a second, server-offered
 * connection): sends the JoinResponse (or, on a resume, the ReconnectResponse), answers the
 * client's offers and runs every request until the client leaves or the socket drops. A
 * dropped socket leaves the participant in the room for the departure timeout, so that the
 * client can resume (`reconnect=1`) with its peer connections and tracks.
 */
export class SignalConnection implements SignalClient {
  readonly participant: Participant;
  private closed = false;
  private readonly sink: SignalSink;
  private silenceTimer: NodeJS.Timeout | undefined;

  /**
   * `pingTimeoutS`: a client that sends nothing, not even its ping, for this long is gone
   * (a laptop that slept, a dropped network): its socket is closed and it leaves the room,
   * as on LiveKit, instead of keeping its agent and that agent's model session alive.
   * `timeouts.departureS`: how long it then stays in the room, waiting for a resume.
   * `resuming`: the participant a resume (`reconnect=1`) takes over.
   */
  constructor(
    private readonly socket: WebSocket,
    readonly room: Room,
    grant: ParticipantGrant,
    private readonly settings: JoinSettings,
    private readonly timeouts: { pingS?: number; departureS?: number } = {},
    resuming?: Participant,
  ) {
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    this.sink = { send: (message) => this.send(message), close: () => this.close(), closed };
    if (resuming) {
      this.participant = resuming;
      return;
    }
    const { dualPeerConnection } = settings;
    this.participant = new Participant(grant, this.sink, room.peerHandlers(), dualPeerConnection);
    this.participant.clientProtocol = settings.clientProtocol;
    this.participant.offerTurns.holdMs = askHoldFor(settings.sdk);
    this.participant.autoSubscribe = settings.autoSubscribe;
  }

  private get pingTimeoutS() {
    return this.timeouts.pingS ?? DEFAULT_PING_TIMEOUT_S;
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
    this.listen();
    if (offer) this.answer(offer).catch((error) => this.fail('answer', error));
  }

  /** Takes the participant's signalling over (closing its old socket) and resumes it. */
  resume(): void {
    const previous = this.participant.signal;
    this.participant.resumeWith(this.sink);
    previous.close();
    trace('%s resumes its session', this.participant.identity);
    for (const message of resumeResponses(this.room, this.participant)) this.send(message);
    this.listen();
    this.participant.restartSubscriberIce();
  }

  private listen(): void {
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
      handleRequest(this, request).catch((error) => {
        if (request.message.case === 'offer' || request.message.case === 'answer') {
          this.fail(request.message.case, error);
        } else trace('%s failed: %O', request.message.case, error);
      });
    });
    this.socket.on('error', (error) =>
      trace('%s socket error: %s', this.participant.identity, error.message),
    );
    this.socket.on('close', () => {
      const dropped = !this.closed;
      this.closed = true;
      clearTimeout(this.silenceTimer);
      // A resume took over (the participant lives on with the new socket), or it left.
      const owner = () => this.participant.signal === this.sink;
      if (!owner() || !this.room.participants.has(this.participant.sid)) return;
      if (dropped) keepForResume(this.participant, this.room, this.timeouts.departureS, owner);
      else void this.room.remove(this.participant, DisconnectReason.SIGNAL_CLOSE);
    });
  }

  private expectWithinPingTimeout(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      trace('%s: silent for %d s, closing', this.participant.identity, this.pingTimeoutS);
      this.socket.terminate();
    }, this.pingTimeoutS * 1000);
    this.silenceTimer.unref();
  }

  send(message: SignalResponse['message']): void {
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

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(1000, 'disconnected');
  }

  async answer(offer: SessionDescription): Promise<void> {
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
}
