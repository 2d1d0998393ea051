// Acme Ops: a small AdminJS 7 + Koa + Sequelize app that had never heard of TimeTracker. It has its
// own `accounts` table and model, its own login and one resource of its own (Accounts).
//
// TimeTracker's connectors are mounted by the lines between "--- TimeTracker: begin" and
// "--- TimeTracker: end", exactly as docs/plugin.md says (the package is installed as
// `timetracker`, e.g. from `npm pack`). Everything outside those lines is the host as it was.
// test/examples/existingAdminApp.test.ts counts those lines and drives this app end to end.
//
// Environment: DATABASE_URL (PostgreSQL), SESSION_SECRET, TT_ENCRYPTION_KEY (base64 of 32 bytes),
// PORT (3100), BASE_URL (http://127.0.0.1:PORT), HOST_ADMIN_EMAIL + HOST_ADMIN_PASSWORD (seed).
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import Router from '@koa/router';
import AdminJSKoa from '@adminjs/koa';
import * as AdminJSSequelize from '@adminjs/sequelize';
import AdminJS, { ComponentLoader } from 'adminjs';
import Koa from 'koa';
import { DataTypes, Model, Sequelize } from 'sequelize';
// --- TimeTracker: begin
import { createTimeTrackerPlugin } from 'timetracker/plugin';
// --- TimeTracker: end

function env(name, fallback) {
  const value = process.env[name] || fallback;
  if (!value) {
    console.error(`existing-admin-app: ${name} is required (see README.md)`);
    process.exit(1);
  }
  return value;
}
const PORT = Number(env('PORT', '3100'));
const BASE_URL = env('BASE_URL', `http://127.0.0.1:${PORT}`);
const sequelize = new Sequelize(env('DATABASE_URL'), { logging: false });

// The host's own users: its table, its model, its password hashing.
class Account extends Model {}
Account.init(
  {
    email: { type: DataTypes.STRING(255), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(200), allowNull: false },
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    is_admin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  },
  { sequelize, modelName: 'Account', tableName: 'accounts', underscored: true },
);

const scrypt = promisify(crypto.scrypt);
async function hashPassword(password) {
  const salt = crypto.randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${(await scrypt(password, salt, 64)).toString('hex')}`;
}
async function passwordMatches(password, stored) {
  const [kind, salt, hash] = String(stored).split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  return crypto.timingSafeEqual(await scrypt(password, Buffer.from(salt, 'hex'), 64), Buffer.from(hash, 'hex'));
}

await Account.sync();
if (process.env.HOST_ADMIN_EMAIL && process.env.HOST_ADMIN_PASSWORD) {
  const email = process.env.HOST_ADMIN_EMAIL.toLowerCase();
  if (!(await Account.findOne({ where: { email } }))) {
    await Account.create({ email, name: 'Host Admin', password_hash: await hashPassword(process.env.HOST_ADMIN_PASSWORD), is_admin: true });
  }
}

// The host's login: AdminJS keeps what this returns as `currentAdmin` (ctx.session.adminUser).
async function authenticate(email, password) {
  const account = await Account.findOne({ where: { email: String(email ?? '').trim().toLowerCase() } });
  if (!account || !(await passwordMatches(String(password ?? ''), account.password_hash))) return null;
  return { id: account.id, email: account.email, name: account.name, is_admin: account.is_admin };
}

AdminJS.registerAdapter({ Resource: AdminJSSequelize.Resource, Database: AdminJSSequelize.Database });
const accountResource = {
  resource: Account,
  options: {
    navigation: { name: 'Acme', icon: 'Users' },
    properties: { password_hash: { isVisible: false } },
  },
};

const app = new Koa();
app.keys = [env('SESSION_SECRET')];
const own = new Router();
own.get('/health', (ctx) => {
  ctx.body = { ok: true };
});
own.get('/', (ctx) => ctx.redirect('/admin'));
app.use(own.routes());

// --- TimeTracker: begin
const componentLoader = new ComponentLoader();
const tt = await createTimeTrackerPlugin({
  sequelize,
  componentLoader,
  baseUrl: BASE_URL,
  encryptionKeys: [env('TT_ENCRYPTION_KEY')],
  users: { model: Account, name: 'name', isAdmin: 'is_admin' },
  currentUserId: (ctx) => ctx.session?.adminUser?.id ?? null,
});
await tt.migrate();

const admin = new AdminJS({
  rootPath: '/admin',
  componentLoader,
  resources: [accountResource, ...tt.resources],
  pages: tt.pages,
  locale: tt.locale,
  branding: { companyName: 'Acme Ops', withMadeWithLove: false },
});
const adminRouter = AdminJSKoa.buildAuthenticatedRouter(admin, app, {
  authenticate,
  sessionOptions: { key: 'acme.sid', httpOnly: true, sameSite: 'lax', signed: true },
});
app.use(adminRouter.routes()).use(adminRouter.allowedMethods());
app.use(tt.router.routes());
await tt.start();
// --- TimeTracker: end

const server = app.listen(PORT, () => console.log(`existing-admin-app ready at ${BASE_URL}`));

async function shutdown() {
  // --- TimeTracker: begin
  await tt.stop();
  // --- TimeTracker: end
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await sequelize.close();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
