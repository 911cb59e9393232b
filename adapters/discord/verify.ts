import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Discord signs every interaction with the application's Ed25519 key: the signature covers the
 * timestamp header followed by the raw body. node:crypto verifies it alone (docs/architecture.md, conventions §12), from the
 * Public Key as a JWK. A request Discord did not sign is refused with 401, which is also what
 * Discord's own endpoint check expects when it probes with a bad signature.
 */
export type InteractionVerifier = (headers: { signature?: string; timestamp?: string }, rawBody: Buffer) => VerifyOutcome;
export type VerifyOutcome = { ok: true } | { ok: false; reason: string };

/** Older than this and a valid signature is still refused: a captured request cannot be replayed later. */
export const MAX_AGE_SECONDS = 5 * 60;

export function interactionVerifier(publicKeyHex: string, now: () => number = Date.now): InteractionVerifier {
  const key: KeyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyHex, 'hex').toString('base64url') }, format: 'jwk' });
  return ({ signature, timestamp }, rawBody) => {
    if (!signature || !timestamp) return { ok: false, reason: 'missing X-Signature-Ed25519 or X-Signature-Timestamp' };
    if (!/^[0-9a-f]{128}$/i.test(signature)) return { ok: false, reason: 'malformed signature' };
    const seconds = Number(timestamp);
    if (!Number.isInteger(seconds)) return { ok: false, reason: 'malformed timestamp' };
    if (Math.abs(now() / 1000 - seconds) > MAX_AGE_SECONDS) return { ok: false, reason: 'timestamp older than 5 minutes' };
    const signed = Buffer.concat([Buffer.from(timestamp), rawBody]);
    return verify(null, signed, key, Buffer.from(signature, 'hex')) ? { ok: true } : { ok: false, reason: 'invalid request signature' };
  };
}
