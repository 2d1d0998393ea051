// Fast seeding with raw SQL: thousands of users, projects and integration rows in a few seconds.
// Secrets are sealed with the real sealing code (src/lib/secrets.ts Keyring.encrypt) so the server
// reads them exactly as if they had been saved through the API.
import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import type { Keyring } from '../../src/lib/secrets.js';
import { hashPassword } from '../../src/services/passwords.js';

export const PASSWORD = 'password123';
let cachedHash: Promise<string> | undefined;
export const passwordHash = () => (cachedHash ??= hashPassword(PASSWORD));

const BATCH = 2_000;

async function insertJson(db: Sequelize, sql: string, rows: unknown[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const out = await db.query<{ id: number }>(sql, { bind: [JSON.stringify(rows.slice(i, i + BATCH))], type: QueryTypes.SELECT });
    ids.push(...out.map((r) => Number(r.id)));
  }
  return ids;
}

export interface UserSeed {
  username: string;
  role?: 'admin' | 'user';
  full_name?: string;
  timezone?: string;
  github_username?: string | null;
}

export async function insertUsers(db: Sequelize, users: UserSeed[]): Promise<number[]> {
  const hash = await passwordHash();
  return insertJson(
    db,
    `INSERT INTO users (username, email, full_name, password_hash, role, timezone, github_username)
     SELECT r.username, r.username || '@example.test', r.full_name, r.password_hash, r.role, r.timezone, r.github_username
       FROM jsonb_to_recordset($1::jsonb)
         AS r(username text, full_name text, password_hash text, role text, timezone text, github_username text)
     RETURNING id`,
    users.map((u) => ({
      username: u.username,
      full_name: u.full_name ?? null,
      password_hash: hash,
      role: u.role ?? 'user',
      timezone: u.timezone ?? 'UTC',
      github_username: u.github_username ?? null,
    })),
  );
}

export async function insertProjects(db: Sequelize, names: string[], billable = true): Promise<number[]> {
  return insertJson(
    db,
    `INSERT INTO projects (name, status, billable)
     SELECT r.name, 'active', ${billable ? 'true' : 'false'} FROM jsonb_to_recordset($1::jsonb) AS r(name text) RETURNING id`,
    names.map((name) => ({ name })),
  );
}

export async function addMembers(db: Sequelize, pairs: Array<{ project_id: number; user_id: number }>): Promise<void> {
  await insertJson(
    db,
    `INSERT INTO project_members (project_id, user_id)
     SELECT r.project_id, r.user_id FROM jsonb_to_recordset($1::jsonb) AS r(project_id int, user_id int)
     ON CONFLICT DO NOTHING RETURNING id`,
    pairs,
  );
}

export interface IntegrationSeed {
  userId: number;
  /** Plain config values. */
  config: Record<string, unknown>;
  /** Secret values, sealed before insert. */
  secrets?: Record<string, string>;
}

export async function insertIntegrations(
  db: Sequelize,
  keyring: Keyring,
  provider: 'github_connector' | 'google_calendar_connector' | 'slack_connector',
  name: string,
  rows: IntegrationSeed[],
): Promise<number[]> {
  const records = rows.map((r) => {
    const config: Record<string, unknown> = { ...r.config };
    for (const [k, v] of Object.entries(r.secrets ?? {})) config[k] = keyring.encrypt(v);
    return { user_id: r.userId, config };
  });
  return insertJson(
    db,
    `INSERT INTO integrations (name, provider, user_id, is_active, config)
     SELECT '${name}', '${provider}', r.user_id, true, r.config
       FROM jsonb_to_recordset($1::jsonb) AS r(user_id int, config jsonb)
     RETURNING id`,
    records,
  );
}

export async function count(db: Sequelize, sql: string, bind: unknown[] = []): Promise<number> {
  const rows = await db.query<{ n: string }>(sql, { bind, type: QueryTypes.SELECT });
  return Number(rows[0]?.n ?? 0);
}
