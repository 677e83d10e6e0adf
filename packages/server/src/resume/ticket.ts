import { errors, jwtVerify, SignJWT } from 'jose';
import { RequestRefusal } from '../errors/errors.js';
import type { TokenPlan } from '../service/grant.js';
import type { ResumeTicketStore } from './ticket-store.js';

/** The JWT `typ` of a resume ticket: nothing else the service or LiveKit signs carries it. */
const TICKET_TYPE = 'voice-agent-resume+jwt';
/** The label the ticket key is derived under, so the LiveKit secret never signs a ticket itself. */
const KEY_LABEL = 'voice-agent resume ticket v1';

/** A signed, single-use permission to rejoin one room as one participant, from one origin. */
export interface ResumeTicket {
  ticket: string;
  /** When it stops being accepted, in milliseconds since the epoch. */
  expiresAt: number;
}

interface TicketClaims {
  room: string;
  plan: Omit<TokenPlan, 'roomName' | 'identity'>;
}

/**
 * Signs and redeems resume tickets. The key is derived from the LiveKit API secret with
 * HMAC-SHA256, so a ticket is not a LiveKit token (LiveKit refuses it) and a LiveKit token is
 * not a ticket (wrong key and type).
 */
export class ResumeTickets {
  readonly #key: Promise<Uint8Array>;

  constructor(
    apiSecret: string,
    readonly ttlSeconds: number,
    private readonly store: ResumeTicketStore,
  ) {
    this.#key = deriveKey(apiSecret);
  }

  /** A ticket for `plan`'s room and identity, usable once from `origin` for `ttlSeconds`. */
  async issue(plan: TokenPlan, origin: string): Promise<ResumeTicket> {
    const { roomName, identity, ...rest } = plan;
    const claims: TicketClaims = { room: roomName, plan: rest };
    const issuedAt = Math.floor(Date.now() / 1000);
    const ticket = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: TICKET_TYPE })
      .setSubject(identity)
      .setAudience(origin)
      .setJti(crypto.randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(await this.#key);
    return { ticket, expiresAt: (issuedAt + this.ttlSeconds) * 1000 };
  }

  /**
   * Checks `ticket` (signature, type, expiry, origin) and takes it, so it never works again.
   * @returns the room, identity and profile it was issued for.
   * @throws {RequestRefusal} `ticket_invalid`, `ticket_expired`, `ticket_wrong_origin` or
   *   `ticket_used`.
   */
  async redeem(ticket: string, origin: string | undefined): Promise<TokenPlan> {
    const claims = await this.#verify(ticket, origin);
    if (!(await this.store.claim(claims.jti, claims.exp * 1000))) {
      throw new RequestRefusal('ticket_used', 'this resume ticket was already used');
    }
    return { roomName: claims.room, identity: claims.sub, ...claims.plan };
  }

  async #verify(ticket: string, origin: string | undefined) {
    if (origin === undefined) {
      throw new RequestRefusal('ticket_wrong_origin', 'a resume ticket needs an Origin header');
    }
    try {
      const { payload } = await jwtVerify<TicketClaims>(ticket, await this.#key, {
        algorithms: ['HS256'],
        typ: TICKET_TYPE,
        audience: origin,
        requiredClaims: ['sub', 'jti', 'exp', 'room', 'plan'],
      });
      return payload as TicketClaims & { sub: string; jti: string; exp: number };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new RequestRefusal('ticket_expired', 'the resume ticket has expired');
      }
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw new RequestRefusal(
          'ticket_wrong_origin',
          'the resume ticket was issued to another origin',
        );
      }
      throw new RequestRefusal('ticket_invalid', 'the resume ticket is not valid');
    }
  }
}

async function deriveKey(apiSecret: string): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const hmac = await crypto.subtle.importKey(
    'raw',
    encoder.encode(apiSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', hmac, encoder.encode(KEY_LABEL)));
}
