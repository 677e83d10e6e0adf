/**
 * The participant attribute that carries the verified visitor. The token service writes it
 * into the signed token; the agent reads it from there and from nowhere else.
 */
export const VISITOR_ATTRIBUTE = 'voice-agent.visitor';

/** A claim's name: usable as a `{{visitor.claims.NAME}}` placeholder in the agent's persona. */
export const CLAIM_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Longest `id` or `name`, in characters. */
export const MAX_VISITOR_FIELD_LENGTH = 256;
/** Most claims one visitor may carry. */
export const MAX_VISITOR_CLAIMS = 32;
/** Longest string claim, in characters. */
export const MAX_CLAIM_LENGTH = 512;

/** A claim's value: plain data only. */
export type VisitorClaim = string | number | boolean;

/**
 * Who the visitor is, as the host's own login decided it in the `authorize` hook. It is
 * written into the signed token, so neither the page nor the visitor can change it; the agent
 * gives it to the persona and to every server and HTTP tool.
 */
export interface Visitor {
  /** The host's own id of this visitor (a customer or account id), 1 to 256 characters. */
  id: string;
  /** The name the agent may address the visitor by, 1 to 256 characters. */
  name?: string;
  /** Site-defined facts, e.g. `{ plan: 'gold', locale: 'fr-FR' }`: at most 32. */
  claims?: Record<string, VisitorClaim>;
}

function checkText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '' || value.length > MAX_VISITOR_FIELD_LENGTH) {
    throw new TypeError(
      `authorize returned an invalid visitor.${field}: expected a string of 1 to ${MAX_VISITOR_FIELD_LENGTH} characters`,
    );
  }
}

function checkClaims(claims: unknown): void {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new TypeError('authorize returned an invalid visitor.claims: expected an object');
  }
  const entries = Object.entries(claims);
  if (entries.length > MAX_VISITOR_CLAIMS) {
    throw new TypeError(`authorize returned more than ${MAX_VISITOR_CLAIMS} visitor claims`);
  }
  for (const [key, value] of entries) {
    if (!CLAIM_NAME_PATTERN.test(key)) {
      throw new TypeError(`authorize returned an invalid visitor claim name "${key.slice(0, 64)}"`);
    }
    const ok =
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.length <= MAX_CLAIM_LENGTH);
    if (!ok) {
      throw new TypeError(
        `authorize returned an invalid visitor.claims.${key}: expected a boolean, a finite number or a string of at most ${MAX_CLAIM_LENGTH} characters`,
      );
    }
  }
}

/**
 * Checks the hook's visitor and encodes it as the attribute value: JSON with exactly `id`,
 * `name` (when set) and `claims` (when set); other fields are dropped.
 * @throws {TypeError} when the visitor is malformed (a host bug: answered as 500).
 */
export function encodeVisitor(visitor: unknown): string {
  if (typeof visitor !== 'object' || visitor === null || Array.isArray(visitor)) {
    throw new TypeError('authorize returned an invalid visitor: expected { id, name?, claims? }');
  }
  const { id, name, claims } = visitor as Record<string, unknown>;
  checkText(id, 'id');
  if (name !== undefined) checkText(name, 'name');
  if (claims !== undefined) checkClaims(claims);
  return JSON.stringify({ id, name, claims });
}
