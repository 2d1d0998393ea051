import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { OWN_TABLE } from './ownTable.js';

/**
 * A connector's provider key, e.g. "github_connector". Which keys exist is the connector registry's
 * business (src/integrations/index.ts); the model only checks the shape (migration 0009).
 */
export type Provider = string;
export const PROVIDER_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export type SyncStatus = 'success' | 'partial' | 'error';

/** Raw stored config: secret fields hold sealed strings (`nacl:v1:...`); see src/integrations/connector.ts. */
export type StoredConfig = Record<string, unknown>;

export class Integration extends Model<InferAttributes<Integration>, InferCreationAttributes<Integration>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare provider: Provider;
  declare user_id: number;
  declare is_active: CreationOptional<boolean>;
  declare config: CreationOptional<StoredConfig>;
  declare last_sync_at: Date | null;
  declare last_sync_status: SyncStatus | null;
  declare last_error: string | null;
  /** When last_error was recorded. */
  declare last_error_at: CreationOptional<Date | null>;
  /** When the connector last proved it works (a passing test or a successful use). */
  declare last_success_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Integration.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        name: { type: DataTypes.STRING(100), allowNull: false },
        provider: { type: DataTypes.STRING(40), allowNull: false, validate: { is: PROVIDER_PATTERN } },
        user_id: { type: DataTypes.INTEGER, allowNull: false },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        config: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        last_sync_at: { type: DataTypes.DATE, allowNull: true },
        last_sync_status: { type: DataTypes.STRING(10), allowNull: true },
        last_error: { type: DataTypes.TEXT, allowNull: true },
        last_error_at: { type: DataTypes.DATE, allowNull: true },
        last_success_at: { type: DataTypes.DATE, allowNull: true },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'integrations', modelName: 'Integration', ...OWN_TABLE },
    );
  }
}
