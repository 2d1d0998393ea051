// The standalone server's Koa app: host number one of the TimeTracker plugin. It has what any host
// has (its users, its login, its sessions, its AdminJS panel) and mounts TimeTracker through the
// public plugin API only (src/plugin/index.ts), exactly as docs/plugin.md tells other hosts to.
// createApp() builds it without listening (tests use it in-process). Order matters: errors →
// health, favicon → sessions + AdminJS → TimeTracker (webhooks, JSON API) → own API → JSON 404.
import fs from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import Koa from 'koa';
import AdminJSKoa from '@adminjs/koa';
import AdminJS, { ComponentLoader } from 'adminjs';
import type { Sequelize } from 'sequelize';
import type { Config } from './config.js';
import { badRequest, notFound } from './errors.js';
import { builtInConnectors, createTimeTrackerPlugin, jsonBody, jsonErrors, sameOrigin, type ConnectorDescriptor, type TimeTrackerPlugin, type TimeTrackerPluginOptions } from './plugin/index.js';
import { adminFormLogin } from './standalone/adminLogin.js';
import { registerAuthRoutes } from './standalone/routes/auth.js';
import { faviconRoutes } from './standalone/routes/favicon.js';
import { healthRoutes } from './standalone/routes/health.js';
import { registerUserRoutes } from './standalone/routes/users.js';
import { currentUserId, refreshSessionUser } from './standalone/session.js';
import { pgSessionStore, sessionCleanupJob } from './standalone/sessionStore.js';
import { StandaloneUser } from './standalone/user.js';
import { usersResource } from './standalone/usersResource.js';

export interface AppOptions {
  config: Readonly<Config>;
  sequelize: Sequelize;
  sessionSecret: string;
  /** Base64 32-byte keys for secrets at rest (first encrypts, all decrypt). */
  encryptionKeys: string[];
  /** The connectors to run (default: the three built-in ones); tests pass their own lists. */
  connectors?: readonly ConnectorDescriptor[];
  isShuttingDown?: () => boolean;
}

export interface BuiltApp {
  app: Koa;
  admin: AdminJS;
  tt: TimeTrackerPlugin;
}

export const SESSION_COOKIE = 'tt.sid';

type FormCallback = (err: unknown, fields?: unknown, files?: unknown) => void;
type FormParse = (req: unknown, cb: FormCallback) => unknown;

/**
 * Options for the form parser AdminJS puts in front of its routes (koa2-formidable copies each key
 * onto its formidable instance). `parse` wraps formidable's own, so a body it cannot read (broken
 * JSON or multipart) is answered 400 — the client's mistake — instead of a 500.
 */
const panelFormOptions = {
  maxFieldsSize: 1024 * 1024,
  parse(this: object, req: unknown, cb: FormCallback): unknown {
    const original = (Object.getPrototypeOf(this) as { parse: FormParse }).parse;
    return original.call(this, req, (err, fields, files) =>
      cb(err ? badRequest('Could not read the submitted form; send it as application/x-www-form-urlencoded or valid JSON') : null, fields, files),
    );
  },
};

/** The plugin's connector options from the configuration; `list` picks connectors (tests), default all. */
function connectorOptions(config: Readonly<Config>, list?: readonly ConnectorDescriptor[]): TimeTrackerPluginOptions['connectors'] {
  const on = (slug: string) => !list || list.includes(builtInConnectors.find((c) => c.slug === slug)!);
  return {
    github: { enabled: on('github'), apiUrl: config.githubApiUrl },
    slack: { enabled: on('slack'), apiUrl: config.slackApiUrl, wake: config.slackOutboxWake },
    google: { enabled: on('google'), ...config.google },
    extra: list?.filter((c) => !builtInConnectors.includes(c)) ?? [],
  };
}

/** "A, B and C". */
const inWords = (items: readonly string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items.join(''));

/** The standalone Users resource's page titles, labels and empty state. */
const USERS_TEXTS = {
  actions: { list: 'Users', show: 'User', edit: 'Edit user', new: 'New user' },
  properties: {
    id: 'ID', username: 'Username', email: 'Email', full_name: 'Name', role: 'Role', is_active: 'Active', timezone: 'Timezone',
    github_username: 'GitHub username', password: 'Password', created_at: 'Created', updated_at: 'Updated',
  },
  messages: { noRecords: 'No users yet', noRecordsInResource: 'Add the people who track time here; each signs in with their email and password.' },
};

export async function createApp(opts: AppOptions): Promise<BuiltApp> {
  const { config, sequelize } = opts;
  StandaloneUser.initModel(sequelize);
  const componentLoader = new ComponentLoader();
  const tt = await createTimeTrackerPlugin({
    sequelize,
    componentLoader,
    baseUrl: config.baseUrl,
    encryptionKeys: opts.encryptionKeys,
    users: { model: StandaloneUser, name: 'full_name', isAdmin: 'is_admin', username: 'username', isActive: 'is_active' },
    currentUserId,
    adminRootPath: config.adminRootPath,
    connectors: connectorOptions(config, opts.connectors),
    jobs: config.jobsEnabled,
    extraJobs: [sessionCleanupJob(sequelize)],
    routingCache: config.routingCache,
  });

  const app = new Koa();
  app.keys = [opts.sessionSecret];
  app.proxy = config.secureCookies;
  app.silent = true;

  app.use(jsonErrors());
  app.use(healthRoutes(sequelize, opts.isShuttingDown ?? (() => false)).routes());
  app.use(faviconRoutes().routes());

  if (config.nodeEnv !== 'production') fs.rmSync(path.resolve('.adminjs'), { recursive: true, force: true });
  const titles = tt.connectors.map((c) => c.title);
  const root = config.adminRootPath;
  const en = tt.locale.translations.en as { labels?: object; messages?: object; resources?: object };
  const admin = new AdminJS({
    rootPath: root,
    loginPath: `${root}/login`,
    logoutPath: `${root}/logout`,
    componentLoader,
    resources: [...tt.resources.slice(0, -1), usersResource, ...tt.resources.slice(-1)],
    dashboard: tt.dashboard,
    pages: tt.pages,
    branding: { companyName: 'TimeTracker', withMadeWithLove: false, logo: false, favicon: '/favicon.ico' },
    locale: {
      language: 'en',
      translations: {
        en: {
          ...en,
          labels: { ...en.labels, users: 'Users' },
          resources: { ...en.resources, users: USERS_TEXTS },
          messages: { ...en.messages, loginWelcome: 'Log in with your TimeTracker email and password.' },
          components: { Login: { welcomeHeader: 'TimeTracker', welcomeMessage: `Track time where you already work: ${inWords(titles)}.` } },
        },
      },
    },
  });
  await admin.initialize();
  const adminRouter = AdminJSKoa.buildAuthenticatedRouter(admin, app, {
    // Never called: adminFormLogin() below answers POST {root}/login itself (see src/standalone/adminLogin.ts).
    authenticate: async () => null,
    sessionOptions: {
      key: SESSION_COOKIE,
      maxAge: 7 * 24 * 3600 * 1000,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      signed: true,
      renew: true,
      store: pgSessionStore(sequelize),
    },
  }, undefined, panelFormOptions);
  app.use(adminFormLogin(admin, { sequelize, formOptions: panelFormOptions }));
  app.use(refreshSessionUser());
  app.use(adminRouter.routes()).use(adminRouter.allowedMethods());

  app.use(tt.router.routes());

  const own = new Router({ prefix: '/api' });
  own.use(sameOrigin(config.baseUrl), jsonBody());
  registerAuthRoutes(own);
  registerUserRoutes(own);
  app.use(own.routes()).use(own.allowedMethods());

  app.use(async function apiNotFound(ctx, next) {
    if (ctx.path.startsWith('/api/') || ctx.path.startsWith('/integrations/')) {
      throw notFound(`No such endpoint: ${ctx.method} ${ctx.path}`);
    }
    await next();
  });
  app.use(async function rootRedirect(ctx, next) {
    if (ctx.path === '/' && ctx.method === 'GET') return ctx.redirect(root);
    await next();
  });

  return { app, admin, tt };
}
