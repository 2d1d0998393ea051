// HTTP surface. /api/integrations/google/{config,status,test,sync} (JSON, login, same-origin) and
// the browser-facing OAuth routes /integrations/google/{connect,callback,disconnect}.
import Router from '@koa/router';
import { notFound } from '../../errors.js';
import { currentUser, requireAuth } from '../../web/auth.js';
import { jsonBody } from '../../web/body.js';
import { sameOrigin } from '../../web/csrf.js';
import type { AppContextExtras, AppState } from '../../web/types.js';
import { findIntegration, NOT_CONFIGURED } from '../connector.js';
import { authedConnectorRouter, registerUniformRoutes, type ConnectorRouter } from '../routes.js';
import { oauthConfigured, PROVIDER, saveConfig, statusOf } from './settings.js';
import { notConfiguredPage } from './notConfiguredPage.js';
import { authorizationUrl, completeConnection, disconnect, redirectUri } from './oauth.js';
import { randomToken } from './oauthState.js';
import { syncIntegration } from './sync.js';
import { testConnection } from './testConnection.js';
import type { GoogleDeps } from './types.js';

const NONCE_KEY = 'google_oauth_nonce';

/** A random nonce kept in the session; OAuth states are bound to its hash. */
function sessionNonce(ctx: { session: unknown }, create: boolean): string | undefined {
  const session = ctx.session as Record<string, unknown> | null;
  if (!session) return undefined;
  if (create && typeof session[NONCE_KEY] !== 'string') session[NONCE_KEY] = randomToken();
  return typeof session[NONCE_KEY] === 'string' ? session[NONCE_KEY] : undefined;
}

const firstString = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function apiRouter(deps: GoogleDeps): ConnectorRouter {
  const router = authedConnectorRouter('google', deps.config.baseUrl);
  registerUniformRoutes(router, PROVIDER, {
    saveConfig: (user, body) => saveConfig(user, body, deps.config),
    status: (user) => statusOf(user, deps.config),
    test: (_user, row) => testConnection(deps, row),
  });
  router.post('/sync', async (ctx) => {
    const row = await findIntegration(PROVIDER, currentUser(ctx).id);
    if (!row) throw notFound(NOT_CONFIGURED);
    ctx.body = await syncIntegration(deps, row.id);
  });
  return router;
}

export function oauthRouter(deps: GoogleDeps): ConnectorRouter {
  const router = new Router<AppState, AppContextExtras>({ prefix: '/integrations/google' });
  router.use(requireAuth());
  // Back to the Personal connectors page of the host's panel (page key in admin/index.ts).
  const page = `${deps.config.baseUrl}${deps.config.adminRootPath}/pages/personal-connectors`;

  router.get('/connect', async (ctx) => {
    if (!oauthConfigured(deps.config)) {
      ctx.status = 503;
      ctx.type = 'html';
      ctx.body = notConfiguredPage(redirectUri(deps.config), page);
      return;
    }
    const nonce = sessionNonce(ctx, true)!;
    ctx.redirect(await authorizationUrl(deps, currentUser(ctx).id, nonce));
  });

  router.get('/callback', async (ctx) => {
    const q = { code: firstString(ctx.query.code), state: firstString(ctx.query.state), error: firstString(ctx.query.error) };
    const outcome = await completeConnection(deps, currentUser(ctx), q, sessionNonce(ctx, false));
    ctx.redirect(outcome.ok ? `${page}?google=connected` : `${page}?google_error=${encodeURIComponent(outcome.error)}`);
  });

  router.post('/disconnect', sameOrigin(deps.config.baseUrl), jsonBody(), async (ctx) => {
    const outcome = await disconnect(deps, currentUser(ctx));
    if (!outcome.ok) throw notFound(outcome.error);
    ctx.body = outcome;
  });
  return router;
}
