import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { OWN_TABLE } from './ownTable.js';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** A message waiting for (or done with) delivery to a third party; see src/integrations/slack/outbox.ts. */
export class OutboxMessage extends Model<InferAttributes<OutboxMessage>, InferCreationAttributes<OutboxMessage>> {
  declare id: CreationOptional<number>;
  declare provider: string;
  declare integration_id: number;
  declare kind: string;
  declare channel: string | null;
  declare payload: Record<string, unknown>;
  declare dedupe_key: string | null;
  declare status: CreationOptional<OutboxStatus>;
  declare attempts: CreationOptional<number>;
  declare next_attempt_at: CreationOptional<Date>;
  declare locked_until: Date | null;
  declare last_error: string | null;
  declare sent_at: Date | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    OutboxMessage.init(
      {
        id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
        provider: { type: DataTypes.STRING(40), allowNull: false },
        integration_id: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(40), allowNull: false },
        channel: { type: DataTypes.STRING(100), allowNull: true },
        payload: { type: DataTypes.JSONB, allowNull: false },
        dedupe_key: { type: DataTypes.STRING(200), allowNull: true },
        status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'pending' },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        next_attempt_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        locked_until: { type: DataTypes.DATE, allowNull: true },
        last_error: { type: DataTypes.TEXT, allowNull: true },
        sent_at: { type: DataTypes.DATE, allowNull: true },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'outbox_messages', modelName: 'OutboxMessage', ...OWN_TABLE },
    );
  }
}
