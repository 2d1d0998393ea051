// A whole test world on loopback: a dedicated PostgreSQL cluster (or a given URL), fake GitHub,
// Slack and Google, and real server processes pointed at them. Connectors are configured through
// the real HTTP API, exactly as a user would; bulk rows copy the shape of those real rows.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { generateKey, Keyring } from '../../src/lib/secrets.js';
import { hashPassword } from '../../src/services/passwords.js';
import { ApiClient } from './client.js';
import { openDatabase, startCluster, tempDir, type Cluster } from './cluster.js';
import { FakeGitHub } from './fakes/github.js';
import { FakeGoogle } from './fakes/google.js';
import { FakeSlack } from './fakes/slack.js';
import { spawnServer, type ServerProc } from './proc.js';

export const ADMIN_EMAIL = 'admin@bench.test';
export const ADMIN_PASSWORD = 'admin-password-123';

export interface World {
  cluster: Cluster | null;
  dbUrl: string;
  db: Sequelize;
  key: string;
  keyring: Keyring;
  sessionSecret: string;
  github: FakeGitHub;
  slack: FakeSlack;
  google: FakeGoogle;
  servers: ServerProc[];
  /** Environment for a server process of this world. */
  serverEnv(extra?: Record<string, string>): Record<string, string>;
  startServer(extra?: Record<string, string>, opts?: { dataDir?: string; port?: number; external?: boolean; nodeArgs?: string[] }): Promise<ServerProc>;
  admin(server?: ServerProc): Promise<ApiClient>;
  close(): Promise<void>;
}

export async function createWorld(opts: { databaseUrl?: string } = {}): Promise<World> {
  const cluster = opts.databaseUrl ? null : await startCluster();
  const dbUrl = opts.databaseUrl ?? cluster!.url;
  const db = await openDatabase(dbUrl);
  const key = generateKey();
  const keyring = new Keyring(key);
  const sessionSecret = crypto.randomBytes(32).toString('base64url');
  const [github, slack, google] = await Promise.all([new FakeGitHub().listen(), new FakeSlack().listen(), new FakeGoogle().listen()]);
  const servers: ServerProc[] = [];
  const dataDir = tempDir('tt-bench-data-');
  const world: World = {
    cluster,
    dbUrl,
    db,
    key,
    keyring,
    sessionSecret,
    github,
    slack,
    google,
    servers,
    serverEnv: (extra = {}) => ({
      SETTINGS_ENCRYPTION_KEY: key,
      SESSION_SECRET: sessionSecret,
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      GITHUB_API_URL: github.url,
      SLACK_API_URL: slack.url,
      GOOGLE_CLIENT_ID: 'bench-client-id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'bench-google-client-secret-value',
      GOOGLE_AUTH_URL: `${google.url}/o/oauth2/v2/auth`,
      GOOGLE_TOKEN_URL: `${google.url}/token`,
      GOOGLE_REVOKE_URL: `${google.url}/revoke`,
      GOOGLE_USERINFO_URL: `${google.url}/v1/userinfo`,
      GOOGLE_CALENDAR_API_URL: `${google.url}/calendar/v3`,
      JOBS_ENABLED: 'false',
      ...extra,
    }),
    async startServer(extra = {}, o = {}) {
      const server = await spawnServer({
        databaseUrl: o.external === false ? undefined : dbUrl,
        dataDir: o.dataDir ?? dataDir,
        port: o.port,
        // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server under load.
        nodeArgs: o.nodeArgs ?? process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean),
        env: world.serverEnv(extra),
      });
      servers.push(server);
      await server.waitReady();
      return server;
    },
    async admin(server = servers[0]) {
      await seedAdmin(db);
      const c = new ApiClient(server.url);
      await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      return c;
    },
    async close() {
      await Promise.all(servers.map((s) => s.stop(15_000)));
      await Promise.all([github.close(), slack.close(), google.close()]);
      await db.close();
      await cluster?.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The admin account of ADMIN_EMAIL, (re)created with SQL when a test emptied the tables. */
let adminHash: Promise<string> | undefined;
export async function seedAdmin(db: Sequelize): Promise<void> {
  const hash = await (adminHash ??= hashPassword(ADMIN_PASSWORD));
  await db.query(
    `INSERT INTO users (username, email, password_hash, role) VALUES ('benchadmin', $1, $2, 'admin')
     ON CONFLICT DO NOTHING`,
    { bind: [ADMIN_EMAIL, hash] },
  );
}

export interface Owner {
  userId: number;
  email: string;
  projectId: number;
  client: ApiClient;
}

/** A user and an active project they belong to, created through the admin API. */
export async function createOwner(admin: ApiClient, username: string, extra: Record<string, unknown> = {}): Promise<Owner> {
  const email = `${username}@example.test`;
  const u = await admin.post('/api/users', { username, email, password: 'password123', full_name: `Bench ${username}`, ...extra });
  if (u.status !== 201) throw new Error(`create user ${username}: ${u.status} ${u.text}`);
  const p = await admin.post('/api/projects', { name: `Project of ${username}`, member_ids: [u.body.user.id] });
  if (p.status !== 201) throw new Error(`create project: ${p.status} ${p.text}`);
  const client = new ApiClient(admin.baseUrl);
  await client.login(email);
  return { userId: u.body.user.id, email, projectId: p.body.project.id, client };
}

function expectOk(what: string, res: { status: number; text: string; body: any }): void {
  if (res.status >= 300 || res.body?.ok === false) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 500)}`);
}

export interface GithubSetup {
  repo: string;
  token: string;
  webhookSecret: string;
}

/** Saves a GitHub config through the API and reveals the generated webhook secret. */
export async function configureGithub(owner: Owner, repo: string, extra: Record<string, unknown> = {}): Promise<GithubSetup> {
  const [repoOwner, repoName] = repo.split('/');
  const token = `ghp_${crypto.randomBytes(18).toString('hex')}`;
  const res = await owner.client.post('/api/integrations/github/config', {
    github_token: token,
    repo_owner: repoOwner,
    repo_name: repoName,
    default_project_id: owner.projectId,
    auto_start_timer: false,
    ...extra,
  });
  expectOk('github config', res);
  const reveal = await owner.client.post('/api/integrations/github/webhook-secret', {});
  expectOk('github webhook-secret', reveal);
  const webhookSecret = String(reveal.body.webhook_secret ?? reveal.body.secret ?? '');
  if (!webhookSecret) throw new Error(`webhook-secret answer has no secret: ${reveal.text}`);
  return { repo, token, webhookSecret };
}

export interface SlackSetup {
  botToken: string;
  signingSecret: string;
  slackUserId: string;
  channel: string;
}

export async function configureSlack(owner: Owner, slackUserId: string, extra: Record<string, unknown> = {}): Promise<SlackSetup> {
  const botToken = `xoxb-${crypto.randomBytes(8).toString('hex')}-${crypto.randomBytes(12).toString('hex')}`;
  const signingSecret = crypto.randomBytes(16).toString('hex');
  const channel = 'C0BENCH01';
  const res = await owner.client.post('/api/integrations/slack/config', {
    bot_token: botToken,
    signing_secret: signingSecret,
    channel_id: channel,
    notify_on_start: true,
    notify_on_stop: true,
    linked_slack_user_id: slackUserId,
    ...extra,
  });
  expectOk('slack config', res);
  return { botToken, signingSecret, slackUserId, channel };
}

/** The stored config of a user's integration (sealed secrets included), to clone its shape. */
export async function storedConfig(db: Sequelize, provider: string, userId: number): Promise<Record<string, unknown>> {
  const rows = await db.query<{ config: Record<string, unknown> }>(
    'SELECT config FROM integrations WHERE provider = $1 AND user_id = $2',
    { bind: [provider, userId], type: QueryTypes.SELECT },
  );
  if (!rows[0]) throw new Error(`no ${provider} row for user ${userId}`);
  return rows[0].config;
}

/** The OAuth dance against the fake Google: connect → (consent) → callback with a code. */
export async function connectGoogle(owner: Owner, prefs: Record<string, unknown> = {}): Promise<void> {
  const start = await owner.client.get('/integrations/google/connect');
  const location = start.headers.get('location');
  if (start.status !== 302 || !location) throw new Error(`google connect: ${start.status} ${start.text.slice(0, 300)}`);
  const state = new URL(location).searchParams.get('state');
  if (!state) throw new Error(`google connect: no state in ${location}`);
  const scope = 'openid email https://www.googleapis.com/auth/calendar.events';
  const cb = await owner.client.get(`/integrations/google/callback?code=fake-code-${crypto.randomBytes(6).toString('hex')}&state=${encodeURIComponent(state)}&scope=${encodeURIComponent(scope)}`);
  if (cb.status >= 400) throw new Error(`google callback: ${cb.status} ${cb.text.slice(0, 300)}`);
  const status = await owner.client.get('/api/integrations/google/status');
  if (!status.body?.connected) throw new Error(`google not connected after callback: ${status.text} (callback → ${cb.headers.get('location')})`);
  const saved = await owner.client.post('/api/integrations/google/config', { default_project_id: owner.projectId, sync_direction: 'import', ...prefs });
  expectOk('google config', saved);
}
