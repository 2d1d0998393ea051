// CSRF for cookie-authenticated, state-changing calls: a foreign Origin is refused (403). Together
// with jsonBody()'s application/json rule, a form, text/plain or cross-origin request changes nothing.
import type { Middleware } from 'koa';
import { forbidden } from '../errors.js';
import type { AppContextExtras, AppState } from './types.js';

export function sameOrigin(baseUrl: string): Middleware<AppState, AppContextExtras> {
  const allowed = new URL(baseUrl).origin;
  return async function refuseForeignOrigin(ctx, next) {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(ctx.method)) {
      const origin = ctx.get('Origin');
      if (origin && origin !== allowed && origin !== ctx.origin) throw forbidden('Cross-origin request refused');
      const site = ctx.get('Sec-Fetch-Site');
      if (site === 'cross-site') throw forbidden('Cross-origin request refused');
    }
    await next();
  };
}
