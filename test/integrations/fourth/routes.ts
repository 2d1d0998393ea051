// The fourth connector's routes: the uniform config/status/test surface, and a signed webhook
// (POST /api/integrations/fourth/webhook, `X-Fourth-User` names the receiving account).
import Router from '@koa/router';
import {
  authedConnectorRouter, findActiveIntegration, readSecret, recordSuccess, registerUniformRoutes, unauthorized, rawBody,
  type ConnectorDeps, type ConnectorRouter,
} from '../../../src/integrations/api.js';
import { fourthStatus, PROVIDER, saveFourthConfig } from './settings.js';
import { testConnection } from './testConnection.js';
import { verifySignature } from './verifySignature.js';

export function fourthApiRouter(deps: ConnectorDeps): ConnectorRouter {
  const router = authedConnectorRouter('fourth', deps.config.baseUrl);
  registerUniformRoutes(router, PROVIDER, { saveConfig: saveFourthConfig, status: fourthStatus, test: async (_user, row) => testConnection(row) });
  return router;
}

export function fourthWebhookRouter(): ConnectorRouter {
  const router: ConnectorRouter = new Router({ prefix: '/api/integrations/fourth' });
  router.post('/webhook', rawBody(), async (ctx) => {
    const row = await findActiveIntegration(PROVIDER, Number(ctx.get('x-fourth-user')) || 0);
    const secret = row ? readSecret(row.config, 'webhook_secret') : null;
    if (!row || !secret?.ok || !verifySignature(secret.value, ctx.request.rawBody as Buffer, ctx.get('x-fourth-signature') || undefined)) {
      throw unauthorized('Invalid signature');
    }
    await recordSuccess(row);
    const bytes = (ctx.request.rawBody as Buffer).length;
    await row.sequelize.query('INSERT INTO fourth_deliveries (integration_id, bytes) VALUES ($1, $2)', { bind: [row.id, bytes] });
    ctx.body = { ok: true, received: bytes };
  });
  return router;
}
