// Slack request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
// `X-Slack-Signature` = `v0=` + hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}`.
// Pure functions over the raw bytes with an injectable clock: no I/O, no logging, never throws.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-slack-signature';
export const TIMESTAMP_HEADER = 'x-slack-request-timestamp';
/** Requests whose timestamp is further than this from now (past or future) are refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type VerifyFailure =
  | 'missing_headers'
  | 'duplicate_headers'
  | 'malformed_timestamp'
  | 'stale_timestamp'
  | 'unsupported_version'
  | 'malformed_signature'
  | 'no_secret'
  | 'bad_signature';

/** Node's `IncomingMessage.headersDistinct` / `headers`, or any plain header object. */
export type HeaderBag = Record<string, string | readonly string[] | undefined>;

export interface SignedEnvelope {
  timestamp: string;
  /** The 32 bytes of the hex signature after `v0=`. */
  signature: Buffer;
}

export type EnvelopeResult = { ok: true; envelope: SignedEnvelope } | { ok: false; reason: VerifyFailure };
export type VerifyResult = { ok: true; index: number } | { ok: false; reason: VerifyFailure };

function single(headers: HeaderBag, name: string): { value?: string; duplicate: boolean } {
  let found: string | readonly string[] | undefined;
  let count = 0;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    found = value;
    count += 1;
  }
  if (count > 1) return { duplicate: true };
  if (found === undefined) return { duplicate: false };
  if (typeof found !== 'string') {
    if (found.length > 1) return { duplicate: true };
    found = found[0];
  }
  if (found === undefined) return { duplicate: false };
  // A proxy (or Node itself) joins repeated headers with commas; a genuine value has none.
  if (found.includes(',')) return { duplicate: true };
  return { value: found.trim(), duplicate: false };
}

/**
 * Checks everything that does not need a secret: both headers present exactly once, a numeric
 * timestamp within ±5 minutes of `now`, and a `v0=` + 64-hex signature. Cheap, so the route can
 * refuse garbage before touching the database.
 */
export function readEnvelope(headers: HeaderBag, now: Date = new Date()): EnvelopeResult {
  const sig = single(headers, SIGNATURE_HEADER);
  const ts = single(headers, TIMESTAMP_HEADER);
  if (sig.duplicate || ts.duplicate) return { ok: false, reason: 'duplicate_headers' };
  if (!sig.value || !ts.value) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(ts.value)) return { ok: false, reason: 'malformed_timestamp' };
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(ts.value));
  if (skew > MAX_SKEW_SECONDS) return { ok: false, reason: 'stale_timestamp' };
  const eq = sig.value.indexOf('=');
  if (eq <= 0 || sig.value.slice(0, eq) !== 'v0') return { ok: false, reason: 'unsupported_version' };
  const hex = sig.value.slice(eq + 1);
  if (!/^[0-9a-f]{64}$/i.test(hex)) return { ok: false, reason: 'malformed_signature' };
  return { ok: true, envelope: { timestamp: ts.value, signature: Buffer.from(hex, 'hex') } };
}

/** The raw HMAC bytes Slack would send for this body and timestamp. */
export function computeSignature(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return crypto.createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest();
}

/** `v0=<hex>`: what Slack puts in X-Slack-Signature (used by tests and docs). */
export function signatureHeader(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${computeSignature(secret, timestamp, Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody)).toString('hex')}`;
}

/** Index of the first secret that produced the signature (constant-time per comparison). */
export function matchSecret(envelope: SignedEnvelope, rawBody: Buffer, secrets: ReadonlyArray<string | null | undefined>): number {
  for (let i = 0; i < secrets.length; i += 1) {
    const secret = secrets[i];
    if (!secret) continue;
    const expected = computeSignature(secret, envelope.timestamp, rawBody);
    if (expected.length === envelope.signature.length && crypto.timingSafeEqual(expected, envelope.signature)) return i;
  }
  return -1;
}

/**
 * Verifies a request against one or more candidate secrets. Returns the index of the secret that
 * matched, so the caller knows which integration signed the request.
 */
export function verifyRequest(
  rawBody: Buffer,
  headers: HeaderBag,
  secrets: string | ReadonlyArray<string | null | undefined>,
  now: Date = new Date(),
): VerifyResult {
  const env = readEnvelope(headers, now);
  if (!env.ok) return env;
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (!list.some(Boolean)) return { ok: false, reason: 'no_secret' };
  const index = matchSecret(env.envelope, rawBody, list);
  return index >= 0 ? { ok: true, index } : { ok: false, reason: 'bad_signature' };
}
