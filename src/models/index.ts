// Wires every model to one Sequelize instance and declares the associations once.
import type { Sequelize } from 'sequelize';
import { Integration } from './integration.js';
import { OutboxMessage } from './outboxMessage.js';
import { Project, ProjectMember } from './project.js';
import { Task } from './task.js';
import { TimeEntry } from './timeEntry.js';
import { User } from './user.js';

let initialised: Sequelize | undefined;

export function initModels(sequelize: Sequelize): void {
  if (initialised === sequelize) return;
  User.initModel(sequelize);
  Project.initModel(sequelize);
  ProjectMember.initModel(sequelize);
  Task.initModel(sequelize);
  TimeEntry.initModel(sequelize);
  Integration.initModel(sequelize);
  OutboxMessage.initModel(sequelize);

  Project.belongsToMany(User, { through: ProjectMember, foreignKey: 'project_id', otherKey: 'user_id', as: 'members' });
  User.belongsToMany(Project, { through: ProjectMember, foreignKey: 'user_id', otherKey: 'project_id', as: 'projects' });
  Task.belongsTo(Project, { foreignKey: 'project_id', as: 'project' });
  TimeEntry.belongsTo(Project, { foreignKey: 'project_id', as: 'project' });
  TimeEntry.belongsTo(Task, { foreignKey: 'task_id', as: 'task' });
  TimeEntry.belongsTo(User, { foreignKey: 'user_id', as: 'user' });
  Integration.belongsTo(User, { foreignKey: 'user_id', as: 'user' });
  OutboxMessage.belongsTo(Integration, { foreignKey: 'integration_id', as: 'integration' });
  initialised = sequelize;
}

export { Integration, OutboxMessage, Project, ProjectMember, Task, TimeEntry, User };
