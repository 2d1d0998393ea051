import Router from '@koa/router';
import type { Sequelize } from 'sequelize';
import { databaseReady } from '../../db/sequelize.js';

export function healthRoutes(sequelize: Sequelize, isShuttingDown: () => boolean) {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/readyz', async (ctx) => {
    const ready = !isShuttingDown() && (await databaseReady(sequelize));
    ctx.status = ready ? 200 : 503;
    ctx.body = ready ? { ok: true } : { ok: false, error: isShuttingDown() ? 'Shutting down' : 'Database unavailable' };
  });
  return router;
}
