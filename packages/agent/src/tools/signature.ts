import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseVisitor, type Visitor } from '../visitor/visitor.js';
import type { HttpToolRequestBody } from './http-tool.js';

/** Header with the Unix time (seconds) the request was signed at. */
export const TIMESTAMP_HEADER = 'X-Voice-Agent-Timestamp';
/** Header with `v1=<hex HMAC-SHA256 of "${timestamp}.${body}">`. */
export const SIGNATURE_HEADER = 'X-Voice-Agent-Signature';
/** Default window, in seconds, in which a signed request is accepted. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Signs a request body: returns the two header values. */
export function signRequest(
  secret: string,
  body: string,
  timestampSeconds = Math.floor(Date.now() / 1000),
): { timestamp: string; signature: string } {
  const timestamp = String(timestampSeconds);
  const hex = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { timestamp, signature: `v1=${hex}` };
}

/**
 * Remembers signatures already accepted, so a captured request replayed inside the tolerance
 * window is rejected too. Entries expire with the window. One per backend process.
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  constructor(readonly toleranceSeconds = DEFAULT_TOLERANCE_SECONDS) {}

  /** Records the signature; false if it was seen before. */
  remember(signature: string, nowSeconds: number): boolean {
    for (const [seen, at] of this.#seen) {
      if (at < nowSeconds - 2 * this.toleranceSeconds) this.#seen.delete(seen);
    }
    if (this.#seen.has(signature)) return false;
    this.#seen.set(signature, nowSeconds);
    return true;
  }
}

/** Why a signature was refused. */
export type SignatureFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'stale_timestamp'
  | 'bad_signature'
  | 'replayed'
  | 'malformed_body';

/**
 * A verified request: the parsed body, and the visitor the agent serves (`null` when
 * anonymous), which the signature covers: only the agent can have written it.
 */
export interface VerifiedRequest {
  ok: true;
  request: HttpToolRequestBody;
  visitor: Visitor | null;
}

export type SignatureCheck =
  | VerifiedRequest
  | { ok: false; code: SignatureFailure; message: string };

export interface VerifySignatureOptions {
  /** The shared secret (the worker's `VOICE_AGENT_TOOL_SECRET`). */
  secret: string;
  /** The raw request body, exactly as received (before JSON parsing). */
  body: string | Uint8Array;
  /** Value of `X-Voice-Agent-Timestamp`. */
  timestamp: string | null | undefined;
  /** Value of `X-Voice-Agent-Signature`. */
  signature: string | null | undefined;
  /** Accepted clock difference in seconds; default 300. */
  toleranceSeconds?: number;
  /** Rejects a request whose signature was already accepted (see {@link ReplayGuard}). */
  replayGuard?: ReplayGuard;
  /** Current time in seconds; for tests. */
  nowSeconds?: number;
}

/** The envelope of a correctly signed body, or undefined when it is not one. */
function envelopeOf(body: string | Uint8Array): HttpToolRequestBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
  const { tool, requestId, arguments: args, visitor } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof tool !== 'string' || typeof requestId !== 'string') return undefined;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return undefined;
  return {
    tool,
    requestId,
    arguments: args as Record<string, unknown>,
    visitor: visitor == null ? null : parseVisitor(JSON.stringify(visitor)),
  };
}

/**
 * Verifies an HTTP tool request on the host's backend: the HMAC-SHA256 signature over
 * `${timestamp}.${body}`, the timestamp's freshness and, with a {@link ReplayGuard}, replays.
 * On success it returns the parsed body and the visitor the agent serves.
 * @example
 * ```ts
 * const check = verifySignature({ secret, body: rawBody,
 *   timestamp: req.headers['x-voice-agent-timestamp'],
 *   signature: req.headers['x-voice-agent-signature'], replayGuard });
 * if (!check.ok) return res.status(401).send(check.code);
 * if (!check.visitor) return res.json({ error: 'Please sign in first.' });
 * const orders = await ordersOf(check.visitor.id);
 * ```
 */
export function verifySignature(options: VerifySignatureOptions): SignatureCheck {
  const { secret, timestamp, signature } = options;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (!timestamp || !signature) {
    return { ok: false, code: 'missing_header', message: 'timestamp or signature header missing' };
  }
  const match = /^v1=([0-9a-f]{64})$/.exec(signature);
  if (!/^\d{1,12}$/.test(timestamp) || !match?.[1]) {
    return { ok: false, code: 'malformed_header', message: 'expected v1=<64 hex digits>' };
  }
  if (Math.abs(now - Number(timestamp)) > tolerance) {
    return { ok: false, code: 'stale_timestamp', message: 'timestamp outside the allowed window' };
  }
  const expected = createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(options.body)
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(match[1], 'hex'))) {
    return { ok: false, code: 'bad_signature', message: 'signature does not match' };
  }
  const request = envelopeOf(options.body);
  if (!request) {
    return { ok: false, code: 'malformed_body', message: 'not a voice agent tool request' };
  }
  if (options.replayGuard && !options.replayGuard.remember(match[1], now)) {
    return { ok: false, code: 'replayed', message: 'this request was already accepted' };
  }
  return { ok: true, request, visitor: request.visitor };
}
