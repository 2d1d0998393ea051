// TimeTracker's core schema: projects, project_members, tasks, time_entries, integrations, plus
// rate_limits and job_runs (one run per job tick across instances), and a `timezone` column on the
// host's user table (src/db/hostUsers.ts says which table; the standalone server's is `users`,
// created by its own migration). All times are timestamptz (UTC instants).
import type { QueryInterface } from 'sequelize';
import { usersSql } from '../src/db/hostUsers.js';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const u = usersSql(qi.sequelize);
  await qi.sequelize.query(`ALTER TABLE ${u.table} ADD COLUMN IF NOT EXISTS timezone VARCHAR(64) NOT NULL DEFAULT 'UTC'`);
  await qi.sequelize.query(`
    CREATE TABLE IF NOT EXISTS projects (
      id SERIAL PRIMARY KEY,
      name VARCHAR(200) NOT NULL,
      status VARCHAR(10) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'archived')),
      billable BOOLEAN NOT NULL DEFAULT TRUE,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS project_members (
      id SERIAL PRIMARY KEY,
      project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      user_id INTEGER NOT NULL ${u.references} ON DELETE CASCADE,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      UNIQUE (project_id, user_id)
    );
    CREATE INDEX IF NOT EXISTS project_members_user_idx ON project_members (user_id);
    CREATE TABLE IF NOT EXISTS tasks (
      id SERIAL PRIMARY KEY,
      project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      name VARCHAR(200) NOT NULL,
      description TEXT,
      status VARCHAR(12) NOT NULL DEFAULT 'todo'
        CHECK (status IN ('todo', 'in_progress', 'review', 'done', 'cancelled')),
      priority VARCHAR(8) NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
      created_by INTEGER ${u.references} ON DELETE SET NULL,
      assigned_to INTEGER ${u.references} ON DELETE SET NULL,
      completed_at TIMESTAMPTZ,
      external_url VARCHAR(500),
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS tasks_project_idx ON tasks (project_id);
    CREATE TABLE IF NOT EXISTS time_entries (
      id SERIAL PRIMARY KEY,
      user_id INTEGER NOT NULL ${u.references} ON DELETE CASCADE,
      project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE RESTRICT,
      task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
      start_time TIMESTAMPTZ NOT NULL,
      end_time TIMESTAMPTZ CHECK (end_time IS NULL OR end_time >= start_time),
      duration_seconds INTEGER CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
      notes TEXT,
      source VARCHAR(20) NOT NULL DEFAULT 'manual'
        CHECK (source IN ('manual', 'timer', 'api', 'slack', 'github', 'google_calendar')),
      billable BOOLEAN NOT NULL DEFAULT FALSE,
      external_ref VARCHAR(200),
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX IF NOT EXISTS time_entries_one_running_per_user
      ON time_entries (user_id) WHERE end_time IS NULL;
    CREATE UNIQUE INDEX IF NOT EXISTS time_entries_user_external_ref_unique
      ON time_entries (user_id, external_ref) WHERE external_ref IS NOT NULL;
    CREATE INDEX IF NOT EXISTS time_entries_user_start_idx ON time_entries (user_id, start_time);
    CREATE TABLE IF NOT EXISTS integrations (
      id SERIAL PRIMARY KEY,
      name VARCHAR(100) NOT NULL,
      provider VARCHAR(40) NOT NULL
        CHECK (provider IN ('github_connector', 'google_calendar_connector', 'slack_connector')),
      user_id INTEGER NOT NULL ${u.references} ON DELETE CASCADE,
      is_active BOOLEAN NOT NULL DEFAULT FALSE,
      config JSONB NOT NULL DEFAULT '{}'::jsonb,
      last_sync_at TIMESTAMPTZ,
      last_sync_status VARCHAR(10) CHECK (last_sync_status IN ('success', 'partial', 'error')),
      last_error TEXT,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      UNIQUE (provider, user_id)
    );
    CREATE TABLE IF NOT EXISTS rate_limits (
      key VARCHAR(200) PRIMARY KEY,
      count INTEGER NOT NULL,
      reset_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE IF NOT EXISTS job_runs (
      job_name VARCHAR(100) NOT NULL,
      tick_at TIMESTAMPTZ NOT NULL,
      instance VARCHAR(100) NOT NULL,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      finished_at TIMESTAMPTZ,
      status VARCHAR(10) NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'success', 'error')),
      error TEXT,
      PRIMARY KEY (job_name, tick_at)
    );
  `);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    DROP TABLE IF EXISTS job_runs, rate_limits, integrations, time_entries, tasks,
      project_members, projects CASCADE;
  `);
  await qi.sequelize.query(`ALTER TABLE ${usersSql(qi.sequelize).table} DROP COLUMN IF EXISTS timezone`);
}
