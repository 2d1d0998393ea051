// Where the host keeps its users: the table and columns the plugin reads (and the two columns its
// migrations add). One mapping per Sequelize instance, set by createTimeTrackerPlugin() before
// migrations or models run; the standalone server's own `users` table is the default.
import type { Sequelize } from 'sequelize';

export interface HostUserColumns {
  /** The host's user table, e.g. "accounts". */
  table: string;
  /** Its integer primary key column. */
  key: string;
  email: string;
  /** Display name column. */
  name: string;
  /** Boolean column: the user administers TimeTracker (sees every row, runs admin-only actions). */
  isAdmin: string;
  /** Optional login-name column; without it the plugin shows the part of the email before "@". */
  username?: string;
  /** Optional boolean column; without it every host user is active. */
  isActive?: string;
}

export const STANDALONE_USERS: Readonly<HostUserColumns> = Object.freeze({
  table: 'users',
  key: 'id',
  email: 'email',
  name: 'full_name',
  isAdmin: 'is_admin',
  username: 'username',
  isActive: 'is_active',
});

const mappings = new WeakMap<Sequelize, Readonly<HostUserColumns>>();

export function setHostUsers(sequelize: Sequelize, columns: HostUserColumns): void {
  mappings.set(sequelize, Object.freeze({ ...columns }));
}

export function hostUsers(sequelize: Sequelize): Readonly<HostUserColumns> {
  return mappings.get(sequelize) ?? STANDALONE_USERS;
}

/** A double-quoted SQL identifier. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** SQL pieces for raw queries that join the host's user table as `alias`. */
export function usersSql(sequelize: Sequelize, alias = 'u') {
  const c = hostUsers(sequelize);
  const col = (name: string) => `${alias}.${ident(name)}`;
  return {
    /** `accounts u` */
    from: `${ident(c.table)} ${alias}`,
    id: col(c.key),
    isAdmin: `COALESCE(${col(c.isAdmin)}, false)`,
    isActive: c.isActive ? `COALESCE(${col(c.isActive)}, false)` : 'true',
    name: col(c.name),
    /** The login name, or the part of the email before "@" when the host has none. */
    username: c.username ? col(c.username) : `split_part(${col(c.email)}, '@', 1)`,
    /** `REFERENCES "accounts"("id")` for plugin tables' user_id columns. */
    references: `REFERENCES ${ident(c.table)}(${ident(c.key)})`,
    table: ident(c.table),
  };
}
