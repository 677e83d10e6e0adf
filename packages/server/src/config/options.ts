import type { Context } from 'hono';
import type { RateLimitStore } from '../rate-limit/store.js';
import type { TokenRequestBody } from '../request/request.js';
import type { ResumeTicketStore } from '../resume/ticket-store.js';
import type { Visitor } from '../visitor/visitor.js';

/** What the `authorize` hook is asked about. */
export interface AuthorizeRequest {
  /** The incoming request: headers and cookies, to check the host's own login session. */
  request: Request;
  /** The validated JSON body, in LiveKit's field names. Nothing in it is trusted yet. */
  body: TokenRequestBody;
  /** The request's `Origin` (already checked against the allow-list). */
  origin: string | undefined;
  /** The client address the rate limit used, if known. */
  clientIp: string | undefined;
  /** The Hono context, e.g. for `c.env` bindings on Cloudflare Workers. */
  context: Context;
  /**
   * Set when the client redeems a resume ticket: the room and identity it rejoins. The token
   * keeps the ticket's room, identity and profile; the hook only allows or refuses (refuse a
   * visitor who has logged out since).
   */
  resume?: { roomName: string; identity: string };
}

/** An allow decision: every field is optional; what is left out the server picks. */
export interface AllowDecision {
  allow: true;
  /** The room to join. If the client asked for a room, it gets a token only when this equals it. */
  roomName?: string;
  /** The participant identity. If the client asked for one, it must equal this. */
  identity?: string;
  /** The participant's display name (`Participant.name`). */
  name?: string;
  /** Participant metadata, visible to the agent. */
  metadata?: string;
  /**
   * Participant attributes, visible to the agent. The key `voice-agent.visitor` is reserved:
   * any value here under that key is dropped (return `visitor` instead).
   */
  attributes?: Record<string, string>;
  /**
   * The signed-in visitor, as your login knows them. Written into the token (attribute
   * `voice-agent.visitor`), which the visitor cannot change; the agent gives it to the
   * persona (`{{visitor.name}}`), to server tools and, signed, to HTTP tools. Its `name` is
   * also the participant's name unless you set `name`. Leave it out for anonymous visitors.
   */
  visitor?: Visitor;
  /** Metadata handed to the dispatched agent's job. */
  agentMetadata?: string;
}

/** A refusal: answered as `401 unauthorized` with `message` (default "not authorized"). */
export interface DenyDecision {
  allow: false;
  /** Shown to the client: keep it free of internal detail. */
  message?: string;
}

/**
 * The hook's answer. `true` or `undefined` allow with server-chosen room and identity;
 * `false` refuses.
 */
export type AuthorizeDecision = boolean | undefined | AllowDecision | DenyDecision;

/** The host hook that decides who gets a token and with which room, identity and profile. */
export type AuthorizeHook = (
  request: AuthorizeRequest,
) => AuthorizeDecision | Promise<AuthorizeDecision>;

/** Rate limit settings: a fixed one-minute window per client address. */
export interface RateLimitOptions {
  /** Tokens per minute per client address. Default 30. */
  perMinute?: number;
  /** Where counts live. Default: one in-memory store per service instance. */
  store?: RateLimitStore;
}

/** Resume ticket settings. */
export interface ResumeTicketOptions {
  /** How long a ticket is accepted, in seconds, 30 to 3600. Default 300. */
  ttlSeconds?: number;
  /** Where used tickets are remembered. Default: one in-memory store per service instance. */
  store?: ResumeTicketStore;
}

/**
 * Trust a header set by your own reverse proxy for the client address. Never enable this
 * unless every request passes through that proxy: clients can send the header themselves.
 */
export interface TrustProxyOptions {
  /** e.g. `x-forwarded-for`, `x-real-ip`, `cf-connecting-ip`, `fly-client-ip`. */
  header: string;
  /**
   * For comma-separated headers such as `x-forwarded-for`: how many trusted proxies append
   * to it. The client address is the entry that many places from the right. Default 1.
   */
  proxies?: number;
}

/** Options of {@link createTokenService}. Unset ones come from the environment, then defaults. */
export interface TokenServiceOptions {
  /** The LiveKit server URL given to clients (`LIVEKIT_URL`), e.g. `wss://my.livekit.cloud`. */
  livekitUrl?: string;
  /** LiveKit API key (`LIVEKIT_API_KEY`). */
  apiKey?: string;
  /** LiveKit API secret (`LIVEKIT_API_SECRET`). Never sent or logged. */
  apiSecret?: string;
  /**
   * Origins allowed to ask for tokens (`ALLOWED_ORIGINS`, comma-separated). Exact origins,
   * `*` as a port (`http://localhost:*`) or as leading labels (`https://*.example.com`),
   * or `*` alone for any origin. Default: loopback development origins only.
   */
  allowedOrigins?: readonly string[];
  /** Agents a client may ask for (`AGENT_NAME`, comma-separated); the first is the default. */
  agentNames?: readonly string[];
  /** Token lifetime in seconds (`TOKEN_TTL`), 30 to 3600. Default 600. */
  tokenTtlSeconds?: number;
  /** Rate limit (`RATE_LIMIT_PER_MINUTE`), or `false` to turn it off. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Resume tickets (`RESUME_TICKET_TTL` in seconds; `0` turns them off). Each answer to a
   * browser carries a signed ticket, bound to its origin and usable once, with which the
   * widget's `persist` rejoins the same room as the same participant after a reload or a
   * navigation; `POST /ticket` swaps a ticket for a fresh one during the call. On by default.
   */
  resumeTickets?: ResumeTicketOptions | false;
  /** Read the client address from a proxy header (`TRUST_PROXY_HEADER`). Off by default. */
  trustProxy?: TrustProxyOptions | false;
  /**
   * Longest a token request may take, the `authorize` hook included, before it is answered
   * `504 timeout`. Default 10000 ms.
   */
  timeoutMs?: number;
  /** Largest accepted request body in bytes. Default 16384. */
  maxBodyBytes?: number;
  /** The host hook; without it every client gets a fresh room and identity. */
  authorize?: AuthorizeHook;
  /** Called with unexpected errors (answered as `500 internal`). Default: `console.error`. */
  onError?: (error: unknown) => void;
}
