// The one outbound HTTP helper. Every provider client builds on it: a 10-second timeout, JSON or
// form bodies, and every failure (network, timeout, non-2xx, non-JSON) turned into a typed result.
// Nothing here throws for a remote failure; URLs and messages are scrubbed of tokens before logging.
import { logger, scrubText } from './logger.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

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
  const safeUrl = scrubText(url.split('?')[0]);
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const e = err as Error;
    const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
    const kind: HttpFailureKind = timedOut ? 'timeout' : 'network';
    const error = timedOut
      ? `${req.service} did not answer within ${Math.round(timeoutMs / 1000)} s`
      : `Could not reach ${req.service}: ${scrubText(String(e?.message ?? e))}`;
    logger.warn({ service: req.service, method, url: safeUrl, kind, ms: Date.now() - started }, 'outbound request failed');
    return { ok: false, kind, error };
  }
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
  logger.debug({ service: req.service, method, url: safeUrl, status: res.status, ms: Date.now() - started }, 'outbound request');
  if (!res.ok) {
    return {
      ok: false,
      kind: 'http',
      status: res.status,
      error: `${req.service} answered HTTP ${res.status}`,
      body: parsed ? data : text.slice(0, 500),
      headers: res.headers,
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
      headers: res.headers,
    };
  }
  return { ok: true, status: res.status, data: data as T, headers: res.headers };
}
