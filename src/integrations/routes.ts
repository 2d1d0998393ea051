// The uniform config / status / test surface every connector exposes under
// /api/integrations/{slug}/..., plus the router factory with login, same-origin and JSON rules.
// Signature-authenticated receivers (webhooks, Slack events) use their own router without these.
import Router from '@koa/router';
import { notFound } from '../errors.js';
import { currentUser, requireAuth } from '../web/auth.js';
import { jsonBody } from '../web/body.js';
import { sameOrigin } from '../web/csrf.js';
import type { AppContextExtras, AppState } from '../web/types.js';
import type { Integration, User } from '../models/index.js';
import type { Provider } from '../models/integration.js';
import { publicListing } from './catalog.js';
import { findIntegration, NOT_CONFIGURED } from './connector.js';
import { recordedTest } from './health.js';
import type { ConnectorDescriptor } from './types.js';

export type ConnectorRouter = Router<AppState, AppContextExtras>;

/** Router for /api/integrations/{slug}: login required, same-origin state changes, JSON bodies. */
export function authedConnectorRouter(slug: string, baseUrl: string): ConnectorRouter {
  const router = new Router<AppState, AppContextExtras>({ prefix: `/api/integrations/${slug}` });
  router.use(requireAuth(), sameOrigin(baseUrl), jsonBody());
  return router;
}

/**
 * GET /api/integrations: the connectors this app was built with, as the panel shows them (slug,
 * title, provider, card component name, test label). The dashboard and the Personal connectors page
 * draw their lists from it.
 */
export function connectorListRouter(connectors: readonly ConnectorDescriptor[]): ConnectorRouter {
  const router = new Router<AppState, AppContextExtras>();
  router.get('/api/integrations', requireAuth(), async (ctx) => {
    ctx.body = { ok: true, connectors: publicListing(connectors) };
  });
  return router;
}

export interface UniformHandlers {
  /** Validates and saves; returns the fresh status body (without `ok`). */
  saveConfig(user: User, body: unknown): Promise<Record<string, unknown>>;
  /** Status body (without `ok`); must never contain a secret. */
  status(user: User): Promise<Record<string, unknown>>;
  /** Runs the connection test for an existing row (its outcome is recorded on the row). */
  test(user: User, row: Integration): Promise<{ ok: boolean; message: string }>;
}

export function registerUniformRoutes(router: ConnectorRouter, provider: Provider, handlers: UniformHandlers): void {
  router.post('/config', async (ctx) => {
    const status = await handlers.saveConfig(currentUser(ctx), ctx.request.body);
    ctx.body = { ok: true, ...status };
  });

  router.get('/status', async (ctx) => {
    ctx.body = { ok: true, ...(await handlers.status(currentUser(ctx))) };
  });

  router.post('/test', async (ctx) => {
    const user = currentUser(ctx);
    const row = await findIntegration(provider, user.id);
    if (!row) throw notFound(NOT_CONFIGURED);
    if (!row.is_active) {
      ctx.body = { ok: false, message: NOT_CONFIGURED, error: NOT_CONFIGURED };
      return;
    }
    const result = await recordedTest(row, () => handlers.test(user, row));
    ctx.body = result.ok ? result : { ...result, error: result.message };
  });
}
