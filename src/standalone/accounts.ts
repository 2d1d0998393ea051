import crypto from 'node:crypto';
import path from 'node:path';
import { UniqueConstraintError } from 'sequelize';
import { conflict, validation } from '../errors.js';
import { writeSecretFile } from '../lib/dataDir.js';
import { logger } from '../lib/logger.js';
import type { Role } from '../models/user.js';
import { hashPassword } from '../services/passwords.js';
import { isValidTimeZone } from '../services/time.js';
import { accountsDb, StandaloneUser as User } from './user.js';

export interface NewUser {
  username: string;
  email: string;
  password: string;
  role?: Role;
  full_name?: string | null;
  timezone?: string;
  github_username?: string | null;
}

export async function createUser(input: NewUser): Promise<User> {
  if (input.timezone && !isValidTimeZone(input.timezone)) throw validation('timezone', 'unknown time zone');
  try {
    return await User.create({
      username: input.username,
      email: input.email,
      full_name: input.full_name ?? null,
      password_hash: await hashPassword(input.password),
      role: input.role ?? 'user',
      timezone: input.timezone ?? 'UTC',
      github_username: input.github_username ?? null,
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) {
      const field = Object.keys(err.fields ?? {})[0] ?? 'username';
      throw conflict(`${field}: already taken`);
    }
    throw err;
  }
}

export interface BootstrapResult {
  created: boolean;
  email?: string;
  generatedPassword?: string;
  passwordFile?: string;
}

/**
 * First start: when no admin exists, create one from ADMIN_EMAIL/ADMIN_PASSWORD, else
 * `admin@localhost` with a random password that is printed once and stored 0600 in the data dir.
 */
export async function ensureAdmin(opts: { email?: string; password?: string; dataDir: string }): Promise<BootstrapResult> {
  return accountsDb().transaction(async (transaction) => {
    await accountsDb().query("SELECT pg_advisory_xact_lock(hashtext('timetracker:bootstrap-admin'))", { transaction });
    if ((await User.count({ where: { role: 'admin' }, transaction })) > 0) return { created: false };
    const email = opts.email ?? 'admin@localhost';
    const generated = opts.password ? undefined : crypto.randomBytes(12).toString('base64url');
    const password = opts.password ?? generated!;
    if ((await User.count({ where: { email }, transaction })) > 0) {
      throw new Error(
        `Cannot create the first admin: ${email} already belongs to a user who is not an admin. ` +
          'Set ADMIN_EMAIL to another address, or give that user the admin role.',
      );
    }
    const base = email.split('@')[0].toLowerCase().replace(/[^a-z0-9._-]/g, '') || 'admin';
    let username = base;
    for (let n = 2; (await User.count({ where: { username }, transaction })) > 0; n += 1) username = `${base}${n}`;
    await User.create(
      { username, email, full_name: 'Administrator', password_hash: await hashPassword(password), role: 'admin', github_username: null },
      { transaction },
    );
    let passwordFile: string | undefined;
    if (generated) {
      passwordFile = path.join(opts.dataDir, 'admin-password');
      writeSecretFile(passwordFile, `email: ${email}\npassword: ${generated}\n`);
    }
    logger.info({ email }, 'created the first admin account');
    return { created: true, email, generatedPassword: generated, passwordFile };
  });
}
