import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { OWN_TABLE } from './ownTable.js';

export type TaskStatus = 'todo' | 'in_progress' | 'review' | 'done' | 'cancelled';
export type TaskPriority = 'low' | 'medium' | 'high' | 'urgent';

export class Task extends Model<InferAttributes<Task>, InferCreationAttributes<Task>> {
  declare id: CreationOptional<number>;
  declare project_id: number;
  declare name: string;
  declare description: string | null;
  declare status: CreationOptional<TaskStatus>;
  declare priority: CreationOptional<TaskPriority>;
  declare created_by: number | null;
  declare assigned_to: number | null;
  declare completed_at: Date | null;
  declare external_ref: string | null;
  declare external_url: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Task.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        project_id: { type: DataTypes.INTEGER, allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: true },
        status: { type: DataTypes.STRING(12), allowNull: false, defaultValue: 'todo' },
        priority: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'medium' },
        created_by: { type: DataTypes.INTEGER, allowNull: true },
        assigned_to: { type: DataTypes.INTEGER, allowNull: true },
        completed_at: { type: DataTypes.DATE, allowNull: true },
        external_ref: { type: DataTypes.STRING(200), allowNull: true },
        external_url: { type: DataTypes.STRING(500), allowNull: true },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'tasks', modelName: 'Task', ...OWN_TABLE },
    );
  }
}
