// GitHub webhook signatures: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
// Pure functions over the exact bytes received (never a re-serialised body), compared in constant
// time. Several candidate secrets are accepted so a rotated secret keeps working during its grace
// period (cf. @octokit/webhooks-methods verify / verifyWithFallback).
import crypto from 'node:crypto';

export const SIGNATURE_PREFIX = 'sha256=';
const SIGNATURE_SHAPE = /^sha256=([0-9a-fA-F]{64})$/;

function digest(secret: string, payload: Buffer | string): Buffer {
  return crypto.createHmac('sha256', secret).update(payload).digest();
}

/** The header value GitHub would send for this payload and secret. */
export function signPayload(secret: string, payload: Buffer | string): string {
  return SIGNATURE_PREFIX + digest(secret, payload).toString('hex');
}

/** True when `header` is a well-formed `sha256=` signature of `payload` under `secret`. */
export function verifySignature(secret: string, payload: Buffer | string, header: string | null | undefined): boolean {
  if (!secret || typeof header !== 'string') return false;
  const match = SIGNATURE_SHAPE.exec(header.trim());
  if (!match) return false;
  const received = Buffer.from(match[1], 'hex');
  const expected = digest(secret, payload);
  return received.length === expected.length && crypto.timingSafeEqual(received, expected);
}

/**
 * Index of the first secret that verifies the signature, or -1. Every candidate is checked, so
 * the time taken does not depend on which one matched.
 */
export function verifyWithFallback(secrets: readonly string[], payload: Buffer | string, header: string | null | undefined): number {
  let matched = -1;
  secrets.forEach((secret, i) => {
    if (verifySignature(secret, payload, header) && matched === -1) matched = i;
  });
  return matched;
}
