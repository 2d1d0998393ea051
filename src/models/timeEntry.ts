import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { OWN_TABLE } from './ownTable.js';

/**
 * Where an entry came from: the host's "manual", "timer" or "api", or a connector's own source
 * (its descriptor's `source`, e.g. "github"). The model checks the shape (migration 0009).
 */
export type EntrySource = string;
export const SOURCE_PATTERN = /^[a-z][a-z0-9_]{0,19}$/;

export class TimeEntry extends Model<InferAttributes<TimeEntry>, InferCreationAttributes<TimeEntry>> {
  declare id: CreationOptional<number>;
  declare user_id: number;
  declare project_id: number;
  declare task_id: number | null;
  declare start_time: Date;
  declare end_time: Date | null;
  declare duration_seconds: number | null;
  declare notes: string | null;
  declare source: CreationOptional<EntrySource>;
  declare billable: CreationOptional<boolean>;
  declare external_ref: string | null;
  /** Stopped by the runaway_timers job at start + the owner's auto_stop_after_hours. */
  declare auto_stopped: CreationOptional<boolean>;
  /** When the owner dismissed the dashboard's auto-stop banner. */
  declare auto_stop_seen_at: CreationOptional<Date | null>;
  /** When the last "still working?" reminder was claimed for this entry. */
  declare reminded_at: CreationOptional<Date | null>;
  /** Set by "Keep running": the next reminder is due then. */
  declare remind_again_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    TimeEntry.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        user_id: { type: DataTypes.INTEGER, allowNull: false },
        project_id: { type: DataTypes.INTEGER, allowNull: false },
        task_id: { type: DataTypes.INTEGER, allowNull: true },
        start_time: { type: DataTypes.DATE, allowNull: false },
        end_time: { type: DataTypes.DATE, allowNull: true },
        duration_seconds: { type: DataTypes.INTEGER, allowNull: true },
        notes: { type: DataTypes.TEXT, allowNull: true },
        source: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'manual', validate: { is: SOURCE_PATTERN } },
        billable: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        external_ref: { type: DataTypes.STRING(200), allowNull: true },
        auto_stopped: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        auto_stop_seen_at: { type: DataTypes.DATE, allowNull: true },
        reminded_at: { type: DataTypes.DATE, allowNull: true },
        remind_again_at: { type: DataTypes.DATE, allowNull: true },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'time_entries', modelName: 'TimeEntry', ...OWN_TABLE },
    );
  }
}
