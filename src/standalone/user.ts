// The standalone server's own user accounts (table `users`): login name, password hash, role and
// active flag, the things any host keeps about its users. TimeTracker itself reads these rows through
// src/models/user.ts, like it reads any host's users; `timezone` and `github_username` are the two
// columns TimeTracker's migrations added, declared here so the Users resource can edit them.
import { DataTypes, Model, type NonAttribute, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

import type { Role } from '../models/user.js';

let bound: Sequelize | undefined;

/** The Sequelize instance the accounts live in (set by initModel). */
export function accountsDb(): Sequelize {
  if (!bound) throw new Error('StandaloneUser.initModel() was not called');
  return bound;
}

export class StandaloneUser extends Model<InferAttributes<StandaloneUser>, InferCreationAttributes<StandaloneUser>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare email: string;
  declare full_name: string | null;
  declare password_hash: string;
  declare role: CreationOptional<Role>;
  declare is_active: CreationOptional<boolean>;
  declare timezone: CreationOptional<string>;
  declare github_username: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  get displayName(): NonAttribute<string> {
    return this.full_name || this.username;
  }

  get isAdmin(): NonAttribute<boolean> {
    return this.role === 'admin';
  }

  static initModel(sequelize: Sequelize): void {
    bound = sequelize;
    StandaloneUser.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        username: {
          type: DataTypes.STRING(80),
          allowNull: false,
          unique: true,
          set(v: string) {
            this.setDataValue('username', String(v).trim().toLowerCase());
          },
        },
        email: {
          type: DataTypes.STRING(255),
          allowNull: false,
          unique: true,
          set(v: string) {
            this.setDataValue('email', String(v).trim().toLowerCase());
          },
        },
        full_name: { type: DataTypes.STRING(200), allowNull: true },
        password_hash: { type: DataTypes.STRING(255), allowNull: false },
        role: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'user' },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        timezone: { type: DataTypes.STRING(64), allowNull: false, defaultValue: 'UTC' },
        github_username: { type: DataTypes.STRING(100), allowNull: true },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'users', modelName: 'User', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
    );
  }
}
