// The JSON API router (/api): JSON bodies only, same-origin for state changes, login required
// except for /api/auth/login. Connector routers are mounted separately (src/integrations).
import Router from '@koa/router';
import { jsonBody } from '../middleware/body.js';
import { requireAuth } from '../middleware/auth.js';
import { sameOrigin } from '../middleware/csrf.js';
import type { AppContextExtras, AppState } from '../types.js';
import { registerAuthRoutes } from './auth.js';
import { registerMeRoutes } from './me.js';
import { registerProjectRoutes } from './projects.js';
import { registerTaskRoutes } from './tasks.js';
import { registerTimeEntryRoutes } from './timeEntries.js';
import { registerTimerRoutes } from './timer.js';
import { registerUserRoutes } from './users.js';

export function apiRoutes(baseUrl: string) {
  const open = new Router<AppState, AppContextExtras>({ prefix: '/api' });
  open.use(sameOrigin(baseUrl), jsonBody());
  registerAuthRoutes(open);

  const api = new Router<AppState, AppContextExtras>({ prefix: '/api' });
  api.use(requireAuth(), sameOrigin(baseUrl), jsonBody());
  registerMeRoutes(api);
  registerUserRoutes(api);
  registerProjectRoutes(api);
  registerTaskRoutes(api);
  registerTimerRoutes(api);
  registerTimeEntryRoutes(api);
  return [open, api];
}
