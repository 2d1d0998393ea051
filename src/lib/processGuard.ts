// What an error that escaped every handler does to the process.
//
// - Inside a request (the error carries a request context): the error is logged with the request
//   id and that request alone is ended (a 500 if nothing was sent yet, otherwise its connection is
//   closed). The process keeps serving everyone else.
// - An unhandled promise rejection outside any request: one asynchronous operation failed and
//   nothing was left half-done synchronously. It is logged and the process keeps running.
// - An exception thrown synchronously outside any request (a timer or callback that throws, an
//   'error' event nobody listens to: the listening socket, a database client): the state of the
//   process is unknown. That is the only fatal case: it is logged, the server is stopped
//   gracefully (in-flight requests finish, the embedded database stops) and the process exits 1
//   so its supervisor starts a fresh one.
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { requestContext, type RequestContext } from './requestContext.js';

export type EscapedKind = 'uncaughtException' | 'unhandledRejection';

export interface GuardOptions {
  logger: () => Logger;
  /** Called once, on the first fatal error: stop gracefully, then exit non-zero. */
  onFatal: (err: unknown) => void;
}

/** Ends a request whose work failed after the middleware chain could catch it. */
export function endRequest(res: ServerResponse, requestId: string): 'answered' | 'closed' | 'already-finished' {
  if (res.writableEnded || res.destroyed) return 'already-finished';
  if (!res.headersSent) {
    res.statusCode = 500;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Connection', 'close');
    res.end(JSON.stringify({ ok: false, error: `Internal error (reference ${requestId})` }));
    return 'answered';
  }
  res.destroy();
  return 'closed';
}

/** Decides what one escaped error does; returns 'fatal' when the process must stop. */
export function handleEscapedError(err: unknown, kind: EscapedKind, opts: GuardOptions, req: RequestContext | undefined = requestContext.getStore()): 'request' | 'logged' | 'fatal' {
  const log = opts.logger();
  if (req) {
    const outcome = endRequest(req.res, req.requestId);
    log.error(
      { err, kind, requestId: req.requestId, method: req.method, path: req.path, outcome },
      'a request failed outside its handler; that request was ended and the server keeps running',
    );
    return 'request';
  }
  if (kind === 'unhandledRejection') {
    log.error({ err, kind }, 'background work failed (a promise rejection nobody handled); the server keeps running');
    return 'logged';
  }
  log.fatal({ err, kind }, 'uncaught exception outside any request: stopping the server');
  opts.onFatal(err);
  return 'fatal';
}

/** Installs the process handlers; returns a function that removes them. */
export function installProcessGuards(opts: GuardOptions): () => void {
  let fatal = false;
  const guarded: GuardOptions = {
    ...opts,
    onFatal(err) {
      if (fatal) return;
      fatal = true;
      opts.onFatal(err);
    },
  };
  const onException = (err: unknown) => void handleEscapedError(err, 'uncaughtException', guarded);
  const onRejection = (reason: unknown) => void handleEscapedError(reason, 'unhandledRejection', guarded);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
