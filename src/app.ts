// createApp(): the Koa app without listening (tests use it in-process). Order matters:
// errors → health, favicon → signature-authenticated receivers (raw bodies, no session) → sessions +
// AdminJS → current user → JSON API and connector routes → JSON 404 for API paths.
import fs from 'node:fs';
import path from 'node:path';
import Koa from 'koa';
import AdminJSKoa from '@adminjs/koa';
import type AdminJS from 'adminjs';
import type { Sequelize } from 'sequelize';
import { buildAdmin } from '../admin/index.js';
import type { Config } from './config.js';
import { badRequest, notFound } from './errors.js';
import { adminFormLogin } from './http/adminLogin.js';
import { errorHandler } from './http/middleware/errorHandler.js';
import { loadUser } from './http/middleware/auth.js';
import { apiRoutes } from './http/routes/index.js';
import { faviconRoutes } from './http/routes/favicon.js';
import { healthRoutes } from './http/routes/health.js';
import { pgSessionStore } from './http/sessionStore.js';
import type { AppState } from './http/types.js';
import { assertConnectorList } from './integrations/catalog.js';
import { connectors as defaultConnectors } from './integrations/index.js';
import { connectorListRouter } from './integrations/routes.js';
import type { ConnectorDescriptor } from './integrations/types.js';

export interface AppOptions {
  config: Readonly<Config>;
  sequelize: Sequelize;
  sessionSecret: string;
  connectors?: readonly ConnectorDescriptor[];
  isShuttingDown?: () => boolean;
}

export interface BuiltApp {
  app: Koa<AppState>;
  admin: AdminJS;
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

export async function createApp(opts: AppOptions): Promise<BuiltApp> {
  const { config, sequelize } = opts;
  const connectors = opts.connectors ?? defaultConnectors;
  assertConnectorList(connectors);
  const deps = { config, sequelize };
  const app = new Koa<AppState>();
  app.keys = [opts.sessionSecret];
  app.proxy = config.secureCookies;
  app.silent = true;

  app.use(errorHandler());
  const health = healthRoutes(sequelize, opts.isShuttingDown ?? (() => false));
  app.use(health.routes());
  app.use(faviconRoutes().routes());

  for (const c of connectors) for (const r of c.publicRouters?.(deps) ?? []) app.use(r.routes()).use(r.allowedMethods());

  if (config.nodeEnv !== 'production') fs.rmSync(path.resolve('.adminjs'), { recursive: true, force: true });
  const admin = buildAdmin({ ...deps, connectors });
  await admin.initialize();
  const adminRouter = AdminJSKoa.buildAuthenticatedRouter(admin, app as unknown as Koa, {
    // Never called: adminFormLogin() below answers POST /admin/login itself (see src/http/adminLogin.ts).
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
  app.use(loadUser());
  app.use(adminRouter.routes()).use(adminRouter.allowedMethods());

  for (const r of apiRoutes(config.baseUrl)) app.use(r.routes()).use(r.allowedMethods());
  const list = connectorListRouter(connectors);
  app.use(list.routes()).use(list.allowedMethods());
  for (const c of connectors) for (const r of c.routers(deps)) app.use(r.routes()).use(r.allowedMethods());

  app.use(async function apiNotFound(ctx, next) {
    if (ctx.path.startsWith('/api/') || ctx.path.startsWith('/integrations/')) {
      throw notFound(`No such endpoint: ${ctx.method} ${ctx.path}`);
    }
    await next();
  });
  app.use(async function rootRedirect(ctx, next) {
    if (ctx.path === '/' && ctx.method === 'GET') return ctx.redirect('/admin');
    await next();
  });

  return { app, admin };
}
