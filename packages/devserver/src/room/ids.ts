import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789';

/** A LiveKit-style id: `PA_`, `TR_`, `RM_`, `AJ_`, ... followed by 12 random characters. */
export function newId(prefix: string): string {
  return prefix + Array.from(randomBytes(12), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
}
