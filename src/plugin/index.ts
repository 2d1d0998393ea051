// `timetracker/plugin`: TimeTracker's connectors inside a host's AdminJS-on-Koa app.
//
//   const tt = await createTimeTrackerPlugin({ sequelize, componentLoader, baseUrl, encryptionKeys, users, currentUserId });
//   await tt.migrate();
//   new AdminJS({ resources: [...mine, ...tt.resources], pages: tt.pages, componentLoader, ... });
//   app.use(tt.router.routes());
//   await tt.start(); ... await tt.stop();
//
// One plugin per process: the models, the secret keyring and the event bus are module-level, so a
// second createTimeTrackerPlugin() rebinds them to its own Sequelize instance and keyring.
// docs/plugin.md is the guide; the standalone server (src/app.ts) is host number one.
import type { LocaleTranslations } from 'adminjs';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import type { Sequelize } from 'sequelize';
import { buildPanel, type Panel } from '../../admin/index.js';
import type { CoreConfig } from '../config.js';
import { stopChangeFeed } from '../db/changeFeed.js';
import { setHostUsers } from '../db/hostUsers.js';
import { migrateUp } from '../db/migrator.js';
import { events } from '../events.js';
import { apiRoutes } from '../http/routes/index.js';
import { assertConnectorList, connectorMigrations } from '../integrations/catalog.js';
import { githubConnector } from '../integrations/github/index.js';
import { googleCalendarConnector } from '../integrations/google-calendar/index.js';
import { connectors } from '../integrations/index.js';
import { connectorListRouter } from '../integrations/routes.js';
import { slackConnector } from '../integrations/slack/index.js';
import type { ConnectorDescriptor } from '../integrations/types.js';
import { coreJobs, Scheduler, type Job } from '../jobs/scheduler.js';
import { runawayTimersJob } from '../services/runawayTimers.js';
import { logger } from '../lib/logger.js';
import { Keyring, setKeyring } from '../lib/secrets.js';
import { initModels } from '../models/index.js';
import { loadUser } from '../web/auth.js';
import { errorHandler } from '../web/errorHandler.js';
import { resolveOptions, type TimeTrackerPluginOptions } from './options.js';

export { PluginOptionsError, type TimeTrackerPluginOptions } from './options.js';
// Request helpers a host may use for its own routes, to answer like TimeTracker's do.
export { errorHandler as jsonErrors } from '../web/errorHandler.js';
export { sameOrigin } from '../web/csrf.js';
export { jsonBody } from '../web/body.js';
export type { ConnectorDescriptor, ConnectorMigration } from '../integrations/types.js';
/** The connectors that ship with TimeTracker (GitHub, Google Calendar, Slack). */
export { connectors as builtInConnectors } from '../integrations/index.js';
export type { Job } from '../jobs/scheduler.js';
export type { CurrentUserId } from '../web/auth.js';

/** Mount with `app.use(tt.router.routes())`, before any body parser (webhooks read raw bodies). */
export interface TimeTrackerRouter {
  /** Webhooks, OAuth callbacks and the JSON API; passes every other request on untouched. */
  routes(): Middleware;
  /** Included in routes() (405/501 answers for TimeTracker's paths); returns a pass-through. */
  allowedMethods(): Middleware;
}

export interface TimeTrackerPlugin {
  /** Add to the host's AdminJS `resources`. */
  resources: Panel['resources'];
  /** Add to the host's AdminJS `pages`: Personal connectors and My profile. */
  pages: Panel['pages'];
  /** TimeTracker's dashboard component, for a host without a dashboard of its own. */
  dashboard: Panel['dashboard'];
  /** English labels for TimeTracker's resources, actions and pages: AdminJS's `locale`, or merge it into yours. */
  locale: { language: 'en'; translations: { en: Partial<LocaleTranslations> } };
  router: TimeTrackerRouter;
  /** The connectors this plugin runs. */
  connectors: readonly ConnectorDescriptor[];
  /** TimeTracker's configuration as resolved from the options (no secrets in it). */
  config: Readonly<CoreConfig>;
  /** Applies TimeTracker's pending migrations (own log table `timetracker_migrations`); returns their names. */
  migrate(): Promise<string[]>;
  /** Starts the scheduler, the outbox worker and the connectors' event subscriptions. */
  start(): Promise<void>;
  /** Stops them gracefully (running jobs finish); the host closes its own Sequelize afterwards. */
  stop(): Promise<void>;
}

function connectorList(enabled: { github: boolean; slack: boolean; google: boolean }, extra: readonly ConnectorDescriptor[] = []): ConnectorDescriptor[] {
  const on = { [githubConnector.slug]: enabled.github, [googleCalendarConnector.slug]: enabled.google, [slackConnector.slug]: enabled.slack };
  return [...connectors.filter((c) => on[c.slug]), ...extra];
}

function buildRouter(opts: TimeTrackerPluginOptions, config: Readonly<CoreConfig>, connectors: readonly ConnectorDescriptor[]): TimeTrackerRouter {
  const deps = { config, sequelize: opts.sequelize };
  const signed = connectors.flatMap((c) => c.publicRouters?.(deps) ?? []);
  const authed = [...apiRoutes(config.baseUrl), connectorListRouter(connectors), ...connectors.flatMap((c) => c.routers(deps))];
  const mount = (rs: typeof signed) => rs.flatMap((r) => [r.routes(), r.allowedMethods()] as Middleware[]);
  // Signature-authenticated receivers answer before anybody asks the host who is logged in.
  const chain = compose([errorHandler() as Middleware, ...mount(signed), loadUser(opts.currentUserId) as Middleware, ...mount(authed)]);
  const all = [...signed, ...authed];
  const ours: Middleware = (ctx, next) => (all.some((r) => r.match(ctx.path, ctx.method).route) ? chain(ctx, next) : next());
  return { routes: () => ours, allowedMethods: () => (_ctx, next) => next() };
}

export async function createTimeTrackerPlugin(opts: TimeTrackerPluginOptions): Promise<TimeTrackerPlugin> {
  const { config, users, enabled } = resolveOptions(opts);
  const { sequelize } = opts;
  setKeyring(new Keyring(opts.encryptionKeys.join(',')));
  setHostUsers(sequelize, users);
  initModels(sequelize);
  const connectors = connectorList(enabled, opts.connectors?.extra);
  assertConnectorList(connectors);
  const panel = buildPanel({ config, sequelize, connectors, componentLoader: opts.componentLoader, adminFlag: opts.users.isAdmin ?? 'is_admin' });
  const deps = { config, sequelize };
  let scheduler: Scheduler | null = null;
  let started = false;

  return {
    resources: panel.resources,
    pages: panel.pages,
    dashboard: panel.dashboard,
    locale: { language: 'en', translations: { en: panel.translations } },
    router: buildRouter(opts, config, connectors),
    connectors,
    config,
    async migrate() {
      const applied = await migrateUp(sequelize, 'timetracker', connectorMigrations(connectors));
      if (applied.length) logger.info({ applied }, 'TimeTracker migrations applied');
      return applied;
    },
    async start() {
      if (started) return;
      started = true;
      for (const c of connectors) c.subscribe?.(events, deps);
      if (config.jobsEnabled) {
        scheduler = new Scheduler(sequelize);
        const jobs: Job[] = [...coreJobs(sequelize), runawayTimersJob(), ...connectors.flatMap((c) => c.jobs?.(deps) ?? []), ...(opts.extraJobs ?? [])];
        for (const job of jobs) scheduler.register(job);
        scheduler.start();
      }
    },
    async stop() {
      await scheduler?.stop();
      scheduler = null;
      started = false;
      events.clear();
      await stopChangeFeed(sequelize);
    },
  };
}
