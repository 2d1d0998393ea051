// The request a piece of asynchronous work belongs to. The error middleware opens one context per
// request; anything started inside it (awaited or not) carries it, so a failure that escapes the
// middleware chain (a promise nobody awaited, a throw in a callback) can still be traced to its
// request id and end that request alone. See src/lib/processGuard.ts.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';

export interface RequestContext {
  requestId: string;
  method: string;
  path: string;
  res: ServerResponse;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
