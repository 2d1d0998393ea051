// Login: same answer for an unknown account and a wrong password (with the same cost), and failed
// attempts rate-limited per client address and account in PostgreSQL (shared by instances).
import { Op, type Sequelize } from 'sequelize';
import { tooManyRequests } from '../errors.js';
import { dummyPasswordHash, verifyPassword } from '../services/passwords.js';
import { blockedFor, clearFailures, LOGIN_LIMIT, recordFailure } from '../services/rateLimit.js';
import { accountsDb, StandaloneUser } from './user.js';

export const INVALID_CREDENTIALS = 'Invalid credentials';

function keys(identifier: string, ip: string): string[] {
  return [`login:${ip}:${identifier.trim().toLowerCase().slice(0, 150)}`, `login-ip:${ip}`];
}
const IP_LIMIT = { max: 50, windowSec: LOGIN_LIMIT.windowSec };

/** Seconds until this client address may try to log in again (0 when it may now). */
export function loginBlockedForAddress(sequelize: Sequelize, ip: string): Promise<number> {
  return blockedFor(sequelize, keys('', ip)[1], IP_LIMIT);
}

/** Returns the user, or null for bad credentials; throws 429 when the caller is rate-limited. */
export async function authenticate(identifier: string, password: string, ip: string): Promise<StandaloneUser | null> {
  const sequelize = accountsDb();
  const [accountKey, ipKey] = keys(identifier, ip);
  const wait = Math.max(await blockedFor(sequelize, accountKey, LOGIN_LIMIT), await blockedFor(sequelize, ipKey, IP_LIMIT));
  if (wait > 0) {
    throw tooManyRequests(`Too many failed login attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`, wait);
  }
  const id = identifier.trim().toLowerCase();
  const user = id ? await StandaloneUser.findOne({ where: { [Op.or]: [{ email: id }, { username: id }] } }) : null;
  const ok = user ? await verifyPassword(password, user.password_hash) : await verifyPassword(password, await dummyPasswordHash());
  if (!user || !ok || !user.is_active) {
    await recordFailure(sequelize, accountKey, LOGIN_LIMIT);
    await recordFailure(sequelize, ipKey, IP_LIMIT);
    return null;
  }
  await clearFailures(sequelize, accountKey);
  return user;
}
