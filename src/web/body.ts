// Body readers, scoped per router (a global body parser breaks AdminJS and raw-body HMAC).
// `rawBody` keeps the exact bytes for signature checks; `jsonBody` parses JSON for the API.
import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../errors.js';
import type { AppContextExtras, AppState } from './types.js';

export const ONE_MB = 1024 * 1024;
const JSON_TYPE = /^application\/([a-z0-9.-]+\+)?json\s*(;|$)/i;

export async function readRaw(ctx: { req: import('node:http').IncomingMessage }, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit });
  } catch (err) {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large' || e.status === 413) throw payloadTooLarge(`Request body is larger than ${Math.round(limit / 1024)} KB`);
    throw badRequest('Could not read the request body');
  }
}

/** Reads the raw body into `ctx.request.rawBody` (Buffer), enforcing a size limit. */
export function rawBody(opts: { limit?: number } = {}): Middleware<AppState, AppContextExtras> {
  const limit = opts.limit ?? ONE_MB;
  return async function readRawBody(ctx, next) {
    ctx.request.rawBody = await readRaw(ctx, limit);
    await next();
  };
}

/**
 * Parses JSON bodies. State-changing requests must be `application/json` (part of the CSRF rule:
 * a cross-site form can send neither that content type nor a foreign-origin-free request).
 */
export function jsonBody(opts: { limit?: number } = {}): Middleware<AppState, AppContextExtras> {
  const limit = opts.limit ?? ONE_MB;
  return async function parseJsonBody(ctx, next) {
    if (['GET', 'HEAD', 'OPTIONS'].includes(ctx.method)) return next();
    const type = ctx.get('Content-Type');
    const hasBytes = Boolean(ctx.get('Transfer-Encoding')) || Number(ctx.get('Content-Length') || 0) > 0;
    // A request without a body (e.g. POST /api/timer/stop from fetch) is fine; any declared or
    // present body must be JSON, so forms and text/plain requests are refused.
    if ((type || hasBytes) && !JSON_TYPE.test(type)) {
      throw unsupportedMediaType('Send the request body as JSON (Content-Type: application/json)');
    }
    const raw = hasBytes ? await readRaw(ctx, limit) : Buffer.alloc(0);
    if (raw.length === 0) {
      ctx.request.body = {};
    } else {
      try {
        ctx.request.body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw badRequest('Malformed JSON body');
      }
    }
    await next();
  };
}
