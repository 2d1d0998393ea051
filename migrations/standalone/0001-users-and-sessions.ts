// The standalone server's own tables, as any host has them: its users (login name, password hash,
// role) and its PostgreSQL-backed sessions. TimeTracker's migrations (../0001-host-schema.ts on)
// then add their tables and two columns (timezone, github_username) to `users`, like they do to
// any host's user table. `is_admin` is derived from `role`, so the plugin reads the same boolean
// column from this host as from any other (docs/plugin.md). Safe on databases created before the
// split, where 0001-host-schema made these tables: every statement is IF NOT EXISTS.
import type { QueryInterface } from 'sequelize';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE IF NOT EXISTS users (
      id SERIAL PRIMARY KEY,
      username VARCHAR(80) NOT NULL UNIQUE CHECK (username = lower(username) AND length(username) > 0),
      email VARCHAR(255) NOT NULL UNIQUE CHECK (email = lower(email) AND position('@' in email) > 1),
      full_name VARCHAR(200),
      password_hash VARCHAR(255) NOT NULL,
      role VARCHAR(10) NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
      is_active BOOLEAN NOT NULL DEFAULT TRUE,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    ALTER TABLE users ADD COLUMN IF NOT EXISTS is_admin BOOLEAN GENERATED ALWAYS AS (role = 'admin') STORED;
    CREATE TABLE IF NOT EXISTS sessions (
      sid VARCHAR(128) PRIMARY KEY,
      data JSONB NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sessions_expires_idx ON sessions (expires_at);
  `);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('DROP TABLE IF EXISTS sessions, users CASCADE');
}
