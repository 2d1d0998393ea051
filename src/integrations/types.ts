// What a connector declares: its routers, jobs and event subscriptions, in one descriptor
// (registered in src/integrations/index.ts).
import type Router from '@koa/router';
import type { Sequelize } from 'sequelize';
import type { Config } from '../config.js';
import type { EventBus } from '../events.js';
import type { AppContextExtras, AppState } from '../http/types.js';
import type { Job } from '../jobs/scheduler.js';
import type { Integration, User } from '../models/index.js';
import type { Provider } from '../models/integration.js';

export interface ConnectorDeps {
  config: Readonly<Config>;
  sequelize: Sequelize;
}

export interface ConnectorDescriptor {
  provider: Provider;
  /** Short name used in URLs: /api/integrations/{slug}/... */
  slug: 'github' | 'google' | 'slack';
  /** Human name, e.g. "GitHub". */
  title: string;
  /** Signature-authenticated receivers (webhooks): mounted before sessions, no login, no CSRF rule. */
  publicRouters?(deps: ConnectorDeps): Array<Router<AppState, AppContextExtras>>;
  /** Routers behind the session (use authedConnectorRouter() from ./routes.ts for /api/integrations/{slug}). */
  routers(deps: ConnectorDeps): Array<Router<AppState, AppContextExtras>>;
  jobs?(deps: ConnectorDeps): Job[];
  /** Connection test for a row; used by the uniform /test route and the Integrations "Test connection" action. */
  testConnection?(row: Integration, deps: ConnectorDeps): Promise<{ ok: boolean; message: string }>;
  /** Sync for a row where the provider syncs; used by the Integrations "Sync now" action. `actor` is who asked. */
  syncNow?(row: Integration, actor: User, deps: ConnectorDeps): Promise<{ ok: boolean; message: string } & Record<string, unknown>>;
  subscribe?(bus: EventBus, deps: ConnectorDeps): void;
}

/** Every connector method answers with one of these and never throws for a remote failure. */
export type ConnectorResult<T extends object = object> = ({ ok: true } & T) | { ok: false; error: string };
