// HTTP surface of the GitHub connector. The webhook sits on a public router (signature
// authenticated, raw body, mounted before sessions); everything else is behind login with the
// uniform config / status / test routes, plus admin-only sync and the owner's webhook secret.
import Router from '@koa/router';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { currentUser, requireAdmin } from '../../web/auth.js';
import { parseInput } from '../../validation/validate.js';
import { formBool, id } from '../../validation/schemas.js';
import type { AppContextExtras, AppState } from '../../web/types.js';
import { Integration } from '../../models/index.js';
import { findIntegration, NOT_CONFIGURED } from '../connector.js';
import { authedConnectorRouter, registerUniformRoutes, type ConnectorRouter } from '../routes.js';
import type { ConnectorDeps } from '../types.js';
import { githubStatus, PROVIDER, saveGithubConfig, webhookUrl } from './settings.js';
import { syncIntegration } from './sync.js';
import { testConnection } from './testConnection.js';
import { githubWebhook } from './webhook.js';
import { revealWebhookSecret } from './webhookSecret.js';

const syncSchema = z.object({ integration_id: id.optional() });
const secretSchema = z.object({ regenerate: formBool.optional() });

export function githubPublicRouters({ config }: ConnectorDeps): ConnectorRouter[] {
  const router = new Router<AppState, AppContextExtras>({ prefix: '/api/integrations/github' });
  router.post('/webhook', githubWebhook({ routingCache: config.routingCache }));
  return [router];
}

export function githubRouters({ config }: ConnectorDeps): ConnectorRouter[] {
  const router = authedConnectorRouter('github', config.baseUrl);
  registerUniformRoutes(router, PROVIDER, {
    saveConfig: async (user, body) => {
      await saveGithubConfig(user, body);
      return githubStatus(user, config.baseUrl);
    },
    status: (user) => githubStatus(user, config.baseUrl),
    test: (_user, row) => testConnection(row, config.githubApiUrl),
  });

  router.post('/sync', requireAdmin(), async (ctx) => {
    const { integration_id } = parseInput(syncSchema, ctx.request.body);
    const row = integration_id
      ? await Integration.findOne({ where: { id: integration_id, provider: PROVIDER } })
      : await findIntegration(PROVIDER, currentUser(ctx).id);
    if (!row) throw notFound(NOT_CONFIGURED);
    ctx.body = await syncIntegration(row, config.githubApiUrl);
  });

  router.post('/webhook-secret', async (ctx) => {
    const { regenerate } = parseInput(secretSchema, ctx.request.body);
    const revealed = await revealWebhookSecret(currentUser(ctx), regenerate ?? false);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ok: true, ...revealed, webhook_url: webhookUrl(config.baseUrl) };
  });
  return [router];
}
