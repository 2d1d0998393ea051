// Wires every model to one Sequelize instance and declares the associations once. The User model
// maps the host's user table (src/db/hostUsers.ts), so set the mapping before calling this.
import type { Sequelize } from 'sequelize';
import { hostUsers, type HostUserColumns } from '../db/hostUsers.js';
import { Integration } from './integration.js';
import { OutboxMessage } from './outboxMessage.js';
import { Project, ProjectMember } from './project.js';
import { Task } from './task.js';
import { TimeEntry } from './timeEntry.js';
import { User } from './user.js';

let initialised: { sequelize: Sequelize; users: Readonly<HostUserColumns> } | undefined;

export function initModels(sequelize: Sequelize): void {
  if (initialised?.sequelize === sequelize && initialised.users === hostUsers(sequelize)) return;
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
  initialised = { sequelize, users: hostUsers(sequelize) };
}

/** The Sequelize instance the models were wired to (services use it for transactions and raw SQL). */
export function db(): Sequelize {
  if (!initialised) throw new Error('TimeTracker models are not initialised: call createTimeTrackerPlugin() (or initModels) first');
  return initialised.sequelize;
}

export { Integration, OutboxMessage, Project, ProjectMember, Task, TimeEntry, User };
