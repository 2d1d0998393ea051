// A host user as TimeTracker sees it. The table and columns are the host's (src/db/hostUsers.ts;
// the standalone server's `users` by default): TimeTracker reads id, email, name, the admin flag
// and, when the host has them, a login name and an active flag; it writes only the columns its
// migrations add (timezone, github_username, remind_after_hours, auto_stop_after_hours). Creating
// users, passwords and roles belong to the host (the standalone server's are in src/standalone/).
import { DataTypes, Model, type NonAttribute, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { hostUsers } from '../db/hostUsers.js';

export type Role = 'admin' | 'user';

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare full_name: string | null;
  declare is_admin: CreationOptional<boolean>;
  /** The host's login name, or the part of the email before "@" when the host has none. */
  declare username: CreationOptional<string>;
  /** False when the host deactivated the user; always true when the host has no such column. */
  declare is_active: CreationOptional<boolean>;
  /** "admin" or "user", from is_admin (read-only). */
  declare role: CreationOptional<Role>;
  declare timezone: CreationOptional<string>;
  declare github_username: CreationOptional<string | null>;
  /** Hours a timer runs before the Slack reminder (runaway_timers job). */
  declare remind_after_hours: CreationOptional<number>;
  /** Hours after which a running timer is stopped automatically; 0 = never. */
  declare auto_stop_after_hours: CreationOptional<number>;

  get displayName(): NonAttribute<string> {
    return this.full_name || this.username;
  }

  get isAdmin(): NonAttribute<boolean> {
    return this.is_admin === true;
  }

  static initModel(sequelize: Sequelize): void {
    const c = hostUsers(sequelize);
    const emailName = (u: User) => String(u.getDataValue('email') ?? '').split('@')[0];
    User.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, field: c.key },
        email: { type: DataTypes.STRING(255), allowNull: false, field: c.email },
        full_name: { type: DataTypes.STRING(200), allowNull: true, field: c.name },
        is_admin: { type: DataTypes.BOOLEAN, field: c.isAdmin },
        username: c.username
          ? { type: DataTypes.STRING(80), field: c.username }
          : { type: DataTypes.VIRTUAL, get(this: User) { return emailName(this); } },
        is_active: c.isActive
          ? { type: DataTypes.BOOLEAN, field: c.isActive }
          : { type: DataTypes.VIRTUAL, get() { return true; } },
        role: { type: DataTypes.VIRTUAL, get(this: User) { return this.getDataValue('is_admin') ? 'admin' : 'user'; } },
        timezone: { type: DataTypes.STRING(64), allowNull: false, defaultValue: 'UTC' },
        github_username: { type: DataTypes.STRING(100), allowNull: true },
        remind_after_hours: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 4 },
        auto_stop_after_hours: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 10 },
      },
      // The host owns the rows: no timestamps of ours on its table.
      { sequelize, tableName: c.table, modelName: 'TimeTrackerUser', timestamps: false, underscored: true },
    );
  }
}
