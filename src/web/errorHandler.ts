// One error middleware at the top: AppErrors answer with their status and message; anything else
// is logged with its stack and answered with a generic 500 (or 503 when the database is down).
// No stack trace, SQL or secret ever reaches a response.
import crypto from 'node:crypto';
import type { Middleware } from 'koa';
import { ConnectionError, DatabaseError, TimeoutError } from 'sequelize';
import { isAppError, serviceUnavailable } from '../errors.js';
import { logger } from '../lib/logger.js';
import { requestContext } from '../lib/requestContext.js';
import type { AppState } from './types.js';

/** Client-side connection failures carry no SQLSTATE, only these words (pg, node:net). */
const CONNECTION_LOST = /connection terminated|connection (?:error|refused|reset)|ECONNREFUSED|ECONNRESET|EPIPE|not queryable|terminating connection/i;

/**
 * True when the error means "the database is not reachable right now", as opposed to a bug:
 * Sequelize connection errors, SQLSTATE classes 08 (connection exception) and 57P (operator
 * intervention: shutdown, starting up), and a connection dropped mid-query (no SQLSTATE at all).
 */
export function isDatabaseDown(err: unknown): boolean {
  if (err instanceof ConnectionError || err instanceof TimeoutError) return true;
  const e = err as { code?: string; message?: string; original?: { code?: string; message?: string } };
  const code = e?.original?.code ?? e?.code ?? '';
  if (code.startsWith('08') || code.startsWith('57P') || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code)) return true;
  const message = e?.original?.message ?? e?.message ?? '';
  return (err instanceof DatabaseError || err instanceof Error) && !/^[0-9A-Z]{5}$/.test(code) && CONNECTION_LOST.test(message);
}

export function errorHandler(): Middleware<AppState> {
  return async function handleErrors(ctx, next) {
    // Nested (TimeTracker's routes inside a host that already runs this handler): the outer one rules.
    if (ctx.state.requestId) return next();
    const requestId = crypto.randomUUID();
    ctx.state.requestId = requestId;
    try {
      // Everything this request starts carries its id, also work nobody awaits (processGuard.ts).
      await requestContext.run({ requestId, method: ctx.method, path: ctx.path, res: ctx.res }, next);
    } catch (caught) {
      let err = caught;
      if (!isAppError(err) && isDatabaseDown(err)) {
        logger.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'database unavailable');
        err = serviceUnavailable();
      }
      if (isAppError(err)) {
        ctx.status = err.status;
        // The rest of an oversized body is never read: close the connection instead of leaving
        // a keep-alive client waiting on a socket that cannot be reused.
        if (err.status === 413) ctx.set('Connection', 'close');
        if (typeof err.extra.retryAfterSec === 'number') ctx.set('Retry-After', String(err.extra.retryAfterSec));
        // Validation errors also name each invalid field, so a form can mark them all at once.
        ctx.body = err.extra.fields ? { ok: false, error: err.message, fields: err.extra.fields } : { ok: false, error: err.message };
        return;
      }
      const e = err as { status?: number; expose?: boolean; message?: string };
      if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
        ctx.status = e.status;
        ctx.body = { ok: false, error: e.expose && e.message ? e.message : 'Bad request' };
        return;
      }
      logger.error({ err, requestId: ctx.state.requestId, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { ok: false, error: `Internal error (reference ${ctx.state.requestId})` };
    }
  };
}
