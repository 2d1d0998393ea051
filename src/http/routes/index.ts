// The JSON API router (/api): JSON bodies only, same-origin for state changes, login required
// except for /api/auth/login. Connector routers are mounted separately (src/integrations).
import Router from '@koa/router';
import { jsonBody } from '../../web/body.js';
import { requireAuth } from '../../web/auth.js';
import { sameOrigin } from '../../web/csrf.js';
import type { AppContextExtras, AppState } from '../../web/types.js';
import { registerMeRoutes } from './me.js';
import { registerProjectRoutes } from './projects.js';
import { registerReportRoutes } from './reports.js';
import { registerTaskRoutes } from './tasks.js';
import { registerTimeEntryRoutes } from './timeEntries.js';
import { registerTimesheetRoutes } from './timesheet.js';
import { registerTimerRoutes } from './timer.js';

export function apiRoutes(baseUrl: string) {
  const api = new Router<AppState, AppContextExtras>({ prefix: '/api' });
  api.use(requireAuth(), sameOrigin(baseUrl), jsonBody());
  registerMeRoutes(api);
  registerProjectRoutes(api);
  registerTaskRoutes(api);
  registerTimerRoutes(api);
  registerTimeEntryRoutes(api);
  registerReportRoutes(api);
  registerTimesheetRoutes(api);
  return [api];
}
