// What a connector declares, in one descriptor registered in src/integrations/index.ts: its
// identity (provider key, slug, title, secret keys, time-entry source), how the panel shows it (card
// component, test label, admin-only actions), and what it adds to the app (routers, jobs, event
// subscriptions). Every list of connectors elsewhere is derived from these fields.
import type Router from '@koa/router';
import type { QueryInterface, Sequelize } from 'sequelize';
import type { CoreConfig } from '../config.js';
import type { EventBus } from '../events.js';
import type { AppContextExtras, AppState } from '../web/types.js';
import type { Job } from '../jobs/scheduler.js';
import type { Integration, User } from '../models/index.js';
import type { Provider } from '../models/integration.js';
import type { EntrySource } from '../models/timeEntry.js';

export interface ConnectorDeps {
  config: Readonly<CoreConfig>;
  sequelize: Sequelize;
}

/** Who a connector is. Lives in its folder's settings.ts (`IDENTITY`), so its own modules can use it. */
export interface ConnectorIdentity {
  /** `integrations.provider` of its rows, e.g. "github_connector" (lower snake case, ≤ 40 characters). */
  provider: Provider;
  /** Short name used in URLs: /api/integrations/{slug}/... (lower case, digits, dashes). */
  slug: string;
  /** Human name, e.g. "GitHub": the panel's label and the name of its integration rows. */
  title: string;
  /** Config keys holding secrets: sealed at rest, shown only as set / not set. */
  secretKeys: readonly string[];
  /** `time_entries.source` of the entries it creates, e.g. "github" (lower snake case, ≤ 20 characters). */
  source: EntrySource;
  /** Labels of its config keys on the Integration show page; a key without one reads humanized ("repo_name" → "Repo name"). */
  settingLabels?: Readonly<Record<string, string>>;
}

/** Record actions of the panel's Integrations resource a connector may restrict to admins. */
export type ConnectorAction = 'testConnection' | 'syncNow';

/** The React card shown on the Personal connectors page, bundled by AdminJS under `name`. */
export interface ConnectorCard {
  /** Component name (unique in the panel), e.g. "GitHubCard". */
  name: string;
  /** Absolute path of the .tsx file (resolve it from the descriptor's import.meta.url). */
  path: string;
  /** Label of the card's connection test, also used by the dashboard's hint, e.g. "Send test message". */
  testLabel: string;
}

/**
 * A schema change a connector brings for its own tables. Logged in `timetracker_migrations` as
 * `{slug}/{name}` and applied by tt.migrate() after TimeTracker's own, in the listed order.
 */
export interface ConnectorMigration {
  name: string;
  up(params: { context: QueryInterface }): Promise<void>;
  down(params: { context: QueryInterface }): Promise<void>;
}

export interface ConnectorDescriptor extends ConnectorIdentity {
  card: ConnectorCard;
  /** Record actions only admins may run on this connector's rows (owners may run the others). */
  adminOnlyActions: readonly ConnectorAction[];
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
  /** Its own tables (the built-in connectors' are in TimeTracker's migrations, from before this field). */
  migrations?: readonly ConnectorMigration[];
}

/** Every connector method answers with one of these and never throws for a remote failure. */
export type ConnectorResult<T extends object = object> = ({ ok: true } & T) | { ok: false; error: string };
