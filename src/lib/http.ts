// The one outbound HTTP helper. Every provider client builds on it: a 10-second timeout, JSON or
// form bodies, and every failure (network, timeout, non-2xx, non-JSON) turned into a typed result.
// Nothing here throws for a remote failure; URLs and messages are scrubbed of tokens before logging.
// A careless upstream may echo the request (token, client secret, form body) in its error answer:
// every string a failure carries (error, body, headers) and everything logged has the request's
// own secrets (`secrets`, plus the Authorization credential) replaced by a short prefix.
// An upstream that cannot be reached is logged once with its cause, then summarised every few
// minutes while it stays down, and once more when it answers again (see failureLog.ts).
import { FailureLog } from './failureLog.js';
import { logger, redactToken, scrubText } from './logger.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Network failures and timeouts of outbound requests, one episode per upstream (`service`). */
export const outboundFailures = new FailureLog({ log: () => logger });

/** Messages that say a request failed without saying why; the cause is in `err.cause`. */
const GENERIC_MESSAGES = new Set(['fetch failed', 'terminated']);

function messageOf(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length) return [...new Set(e.errors.map(messageOf).filter(Boolean))].join('; ');
  if (e && typeof e === 'object') {
    const { message, code, name } = e as { message?: unknown; code?: unknown; name?: unknown };
    return [message, code, name].find((v): v is string => typeof v === 'string' && v.length > 0) ?? '';
  }
  return e === undefined || e === null ? '' : String(e);
}

/**
 * Why a fetch was rejected, in the system's words: fetch wraps the real error ("fetch failed",
 * cause "getaddrinfo ENOTFOUND slack.com"; several addresses give an AggregateError of
 * "connect ECONNREFUSED 127.0.0.1:9" and the like), so the innermost specific message wins.
 */
export function networkCause(err: unknown): string {
  let best = '';
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const message = messageOf(e);
    if (message && !GENERIC_MESSAGES.has(message)) best = message;
    e = typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined;
  }
  return best || messageOf(err) || 'unknown network error';
}

function formatTimeout(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export type HttpFailureKind = 'timeout' | 'network' | 'http' | 'invalid_json';

export interface HttpSuccess<T> {
  ok: true;
  status: number;
  data: T;
  headers: Headers;
}

export interface HttpFailure {
  ok: false;
  kind: HttpFailureKind;
  error: string;
  status?: number;
  /** Parsed JSON (or text) body of a non-2xx answer, when there was one. */
  body?: unknown;
  headers?: Headers;
  /** Seconds to wait, from `Retry-After` (or a rate-limit reset header) when the server sent one. */
  retryAfterSec?: number;
}

export type HttpResult<T> = HttpSuccess<T> | HttpFailure;

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  timeoutMs?: number;
  /** Short provider name for logs and error messages, e.g. "GitHub". */
  service: string;
  /** Accept an empty (204) or non-JSON 2xx answer as success with data `null`. */
  allowEmpty?: boolean;
  /**
   * The exact secret values this request carries (token, client secret, refresh token, code,
   * code verifier...). They are redacted, plain, URL-encoded, JSON-escaped or base64, from every
   * string of a failure and from the logs. The Authorization credential is always included.
   */
  secrets?: ReadonlyArray<string | null | undefined>;
}

/** Shorter values are not redacted: replacing them would mangle ordinary text. */
export const MIN_SECRET_LENGTH = 6;
const MAX_DEPTH = 20;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Base64 of `secret` as it appears inside a longer base64 string, at each of the 3 byte alignments. */
function base64Cores(secret: Buffer): string[] {
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), secret]).toString('base64').replace(/=+$/, '');
    const head = [0, 2, 3][pad];
    const tail = (pad + secret.length) % 3 === 0 ? 0 : 1; // the last char also depends on what follows
    const core = b64.slice(head, b64.length - tail);
    if (core.length >= 8) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

/** One regex per secret matching its plain, JSON-escaped, URL-encoded (any hex case) and base64 forms. */
function secretPattern(secret: string): RegExp {
  const forms = new Set([
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    encodeURI(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    encodeURIComponent(encodeURIComponent(secret)),
    ...base64Cores(Buffer.from(secret, 'utf8')),
  ]);
  const sources = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((f) => escapeRegExp(f).replace(/%([0-9A-F])([0-9A-F])/g, (_m, a: string, b: string) => `%[${a}${a.toLowerCase()}][${b}${b.toLowerCase()}]`));
  return new RegExp(sources.join('|'), 'g');
}

export interface SecretRedactor {
  text(s: string): string;
  /** Strings (values and keys) of a parsed JSON value, at any depth; deeper than 20 levels is dropped. */
  deep(v: unknown): unknown;
}

/** Replaces each of `secrets` (in all its encodings), then anything token-shaped, by a short prefix. */
export function secretRedactor(secrets: ReadonlyArray<string | null | undefined>): SecretRedactor {
  const unique = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))];
  const rules = unique.sort((a, b) => b.length - a.length).map((s) => ({ re: secretPattern(s), short: redactToken(s) }));
  const text = (s: string) => scrubText(rules.reduce((acc, r) => acc.replace(r.re, r.short), s));
  const deep = (v: unknown, depth = 0): unknown => {
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH) return '[too deep]';
    if (Array.isArray(v)) return v.map((x) => deep(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), deep(x, depth + 1)]));
  };
  return { text, deep };
}

/** The credential of an Authorization header (`Bearer abc` → `abc`), to be redacted too. */
function authCredential(headers: Record<string, string> | undefined): string[] {
  const value = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  if (!value) return [];
  return [value.replace(/^\S+\s+/, '')];
}

function redactHeaders(headers: Headers, r: SecretRedactor): Headers {
  const out = new Headers();
  headers.forEach((value, key) => out.append(key, r.text(value)));
  return out;
}

export function parseRetryAfter(headers: Headers | undefined): number | undefined {
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function buildUrl(url: string, query?: HttpRequest['query']): string {
  if (!query) return url;
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
  return u.toString();
}

export async function httpRequest<T = unknown>(req: HttpRequest): Promise<HttpResult<T>> {
  const method = req.method ?? 'GET';
  const url = buildUrl(req.url, req.query);
  const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(req.json);
  } else if (req.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(req.form).toString();
  }
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = Date.now();
  const redact = secretRedactor([...(req.secrets ?? []), ...authCredential(req.headers)]);
  const safeUrl = redact.text(url.split('?')[0]);
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = (err as Error | undefined)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const kind: HttpFailureKind = timedOut ? 'timeout' : 'network';
    const cause = timedOut ? `timeout after ${formatTimeout(timeoutMs)}` : redact.text(networkCause(err));
    const error = timedOut ? `${req.service} did not answer within ${formatTimeout(timeoutMs)}` : `Could not reach ${req.service}: ${cause}`;
    outboundFailures.failed(req.service, `outbound request to ${req.service}`, cause, {
      upstream: req.service,
      method,
      url: safeUrl,
      kind,
      ms: Date.now() - started,
    });
    return { ok: false, kind, error };
  }
  outboundFailures.succeeded(req.service, `outbound request to ${req.service}`, { upstream: req.service });
  const text = await res.text().catch(() => '');
  let data: unknown = null;
  let parsed = false;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  logger.debug({ upstream: req.service, method, url: safeUrl, status: res.status, ms: Date.now() - started }, 'outbound request');
  if (!res.ok) {
    return {
      ok: false,
      kind: 'http',
      status: res.status,
      error: `${req.service} answered HTTP ${res.status}`,
      // Redacted before truncating, so a secret cut at the edge cannot survive as a long prefix.
      body: parsed ? redact.deep(data) : redact.text(text).slice(0, 500),
      headers: redactHeaders(res.headers, redact),
      retryAfterSec: parseRetryAfter(res.headers),
    };
  }
  if (!parsed) {
    if (req.allowEmpty) return { ok: true, status: res.status, data: null as T, headers: res.headers };
    return {
      ok: false,
      kind: 'invalid_json',
      status: res.status,
      error: `${req.service} sent an answer that is not JSON`,
      headers: redactHeaders(res.headers, redact),
    };
  }
  return { ok: true, status: res.status, data: data as T, headers: res.headers };
}
