// Demo data: a user `demo@example.com`, a project "Demo project" with the demo user as its member,
// and a few tasks. Idempotent: every row is looked up by its natural key first, so running the
// seeder again changes nothing (and never resets the demo user's password).
import crypto from 'node:crypto';
import type { Transaction } from 'sequelize';
import { Project, ProjectMember, Task } from '../src/models/index.js';
import { accountsDb, StandaloneUser as User } from '../src/standalone/user.js';
import { hashPassword } from '../src/services/passwords.js';

export const DEMO_EMAIL = 'demo@example.com';
export const DEMO_PROJECT = 'Demo project';
export const DEMO_TASKS = ['Write the project plan', 'Review pull requests', 'Team meeting'] as const;

export interface SeedOptions {
  /** Password for a newly created demo user; random when absent. */
  demoPassword?: string;
}

export interface SeedResult {
  created: string[];
  /** Only when the demo user was created by this run. */
  demoPassword?: string;
}

async function demoUser(opts: SeedOptions, result: SeedResult, transaction: Transaction): Promise<User> {
  const existing = await User.findOne({ where: { email: DEMO_EMAIL }, transaction });
  if (existing) return existing;
  const password = opts.demoPassword ?? crypto.randomBytes(9).toString('base64url');
  const user = await User.create(
    {
      username: 'demo',
      email: DEMO_EMAIL,
      full_name: 'Demo User',
      password_hash: await hashPassword(password),
      role: 'user',
      timezone: 'UTC',
      github_username: null,
    },
    { transaction },
  );
  result.created.push(`user ${DEMO_EMAIL}`);
  result.demoPassword = password;
  return user;
}

export async function seed(opts: SeedOptions = {}): Promise<SeedResult> {
  const sequelize = accountsDb();
  const result: SeedResult = { created: [] };
  await sequelize.transaction(async (transaction) => {
    // Two seeders at once would both see "missing" and insert twice; the lock serialises them.
    await sequelize.query("SELECT pg_advisory_xact_lock(hashtext('timetracker:seed:0001-demo'))", { transaction });
    const user = await demoUser(opts, result, transaction);
    let project = await Project.findOne({ where: { name: DEMO_PROJECT }, order: [['id', 'ASC']], transaction });
    if (!project) {
      project = await Project.create({ name: DEMO_PROJECT, status: 'active', billable: true }, { transaction });
      result.created.push(`project "${DEMO_PROJECT}"`);
    }
    const [, memberCreated] = await ProjectMember.findOrCreate({
      where: { project_id: project.id, user_id: user.id },
      transaction,
    });
    if (memberCreated) result.created.push(`membership of ${DEMO_EMAIL} in "${DEMO_PROJECT}"`);
    for (const name of DEMO_TASKS) {
      const task = await Task.findOne({ where: { project_id: project.id, name }, transaction });
      if (task) continue;
      await Task.create(
        {
          project_id: project.id,
          name,
          description: null,
          status: 'todo',
          priority: 'medium',
          created_by: user.id,
          assigned_to: user.id,
          completed_at: null,
          external_ref: null,
          external_url: null,
        },
        { transaction },
      );
      result.created.push(`task "${name}"`);
    }
  });
  return result;
}
