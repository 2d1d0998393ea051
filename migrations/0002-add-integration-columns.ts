// add-integration-columns: github_username on the host's user table and tasks.external_ref (+ indexes).
// Defensive: it inspects each table first, so running it on a database that already has the
// columns (for example one created by the earlier Python design) is a no-op.
import { DataTypes, type QueryInterface } from 'sequelize';
import { hostUsers, ident } from '../src/db/hostUsers.js';

async function addColumnIfMissing(
  qi: QueryInterface,
  table: string,
  column: string,
  spec: { type: DataTypes.DataType; allowNull: boolean },
): Promise<void> {
  const described = await qi.describeTable(table);
  if (!(column in described)) await qi.addColumn(table, column, spec);
}

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const users = hostUsers(qi.sequelize).table;
  await addColumnIfMissing(qi, users, 'github_username', { type: DataTypes.STRING(100), allowNull: true });
  await addColumnIfMissing(qi, 'tasks', 'external_ref', { type: DataTypes.STRING(200), allowNull: true });
  await qi.sequelize.query(`
    CREATE INDEX IF NOT EXISTS tasks_external_ref_idx ON tasks (external_ref);
    CREATE UNIQUE INDEX IF NOT EXISTS tasks_project_external_ref_unique
      ON tasks (project_id, external_ref) WHERE external_ref IS NOT NULL;
    CREATE INDEX IF NOT EXISTS ${ident(`${users}_github_username_lower_idx`)} ON ${ident(users)} (lower(github_username));
  `);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  const users = hostUsers(qi.sequelize).table;
  await qi.sequelize.query(`
    DROP INDEX IF EXISTS ${ident(`${users}_github_username_lower_idx`)};
    DROP INDEX IF EXISTS tasks_project_external_ref_unique;
    DROP INDEX IF EXISTS tasks_external_ref_idx;
    ALTER TABLE tasks DROP COLUMN IF EXISTS external_ref;
    ALTER TABLE ${ident(users)} DROP COLUMN IF EXISTS github_username;
  `);
}
