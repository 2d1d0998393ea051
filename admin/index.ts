// TimeTracker's part of an AdminJS panel: resources, the dashboard, four pages (Timesheet,
// Personal connectors, My profile, Reports) and their labels, for the host to pass to its own `new AdminJS({...})`. Custom
// components are React files that AdminJS bundles itself, added to the host's ComponentLoader; they
// talk to the JSON API. Each connector's card and provider label come from the connector list.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AdminJS, { type ComponentLoader, type LocaleTranslations, type PageHandler, type ResourceWithOptions } from 'adminjs';
import * as AdminJSSequelize from '@adminjs/sequelize';
import { setAdminFlag } from './access.js';
import type { AdminContext } from './context.js';
import type { FieldComponents } from './resources/fields.js';
import { integrationsResource } from './resources/integrations.resource.js';
import { outboxResource } from './resources/outbox.resource.js';
import { projectMembersResource, projectsResource } from './resources/projects.resource.js';
import { tasksResource } from './resources/tasks.resource.js';
import { timeEntriesResource } from './resources/timeEntries.resource.js';
import { RESOURCE_TEXTS } from './texts.js';

AdminJS.registerAdapter({ Resource: AdminJSSequelize.Resource, Database: AdminJSSequelize.Database });

const here = path.dirname(fileURLToPath(import.meta.url));
/** Components ship as .tsx next to this file (copied as they are into dist/ by the build). */
const component = (name: string) => path.join(here, 'components', name);

/** Page keys are URL segments: {rootPath}/pages/timesheet, {rootPath}/pages/personal-connectors, {rootPath}/pages/my-profile, {rootPath}/pages/reports. */
export const PAGES = { timesheet: 'timesheet', connectors: 'personal-connectors', profile: 'my-profile', reports: 'reports' } as const;

/** "A, B and C". */
export const inWords = (items: readonly string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items.join(''));

export interface PanelOptions extends AdminContext {
  componentLoader: ComponentLoader;
  /** The `currentAdmin` attribute that marks TimeTracker admins. */
  adminFlag: string;
}

export interface Panel {
  resources: ResourceWithOptions[];
  pages: Record<string, { component: string; icon?: string; handler?: PageHandler }>;
  /** Today's time and the connectors at a glance; use it as the host's dashboard if it has none. */
  dashboard: { component: string };
  /** English labels for TimeTracker's resources, actions and pages (merge into the host's locale). */
  translations: Partial<LocaleTranslations>;
}

/** Adds TimeTracker's components to the host's loader (once per loader) and describes its panel part. */
export function buildPanel(ctx: PanelOptions): Panel {
  const { componentLoader } = ctx;
  setAdminFlag(ctx.adminFlag);
  const names = {
    Dashboard: componentLoader.add('TimeTrackerDashboard', component('Dashboard')),
    PersonalConnectors: componentLoader.add('TimeTrackerPersonalConnectors', component('PersonalConnectors')),
    MyProfile: componentLoader.add('TimeTrackerMyProfile', component('MyProfile')),
    Timesheet: componentLoader.add('TimeTrackerTimesheet', component('Timesheet')),
    Reports: componentLoader.add('TimeTrackerReports', component('Reports')),
    IntegrationHealth: componentLoader.add('TimeTrackerIntegrationHealth', component('IntegrationHealth')),
  };
  const fields: FieldComponents = {
    duration: componentLoader.add('TimeTrackerDuration', component('fields/Duration')),
    dateTime: componentLoader.add('TimeTrackerDateTime', component('fields/DateTime')),
    text: componentLoader.add('TimeTrackerText', component('fields/Text')),
    taskStatus: componentLoader.add('TimeTrackerTaskStatus', component('fields/TaskStatus')),
    taskLink: componentLoader.add('TimeTrackerTaskLink', component('fields/TaskLink')),
    settings: componentLoader.add('TimeTrackerSettings', component('fields/Settings')),
  };
  for (const c of ctx.connectors) componentLoader.add(c.card.name, c.card.path);
  const titles = ctx.connectors.map((c) => c.title);
  return {
    resources: [
      timeEntriesResource(fields), projectsResource(fields), tasksResource(fields),
      integrationsResource(ctx, { ...fields, health: names.IntegrationHealth }), outboxResource, projectMembersResource,
    ],
    pages: {
      [PAGES.timesheet]: { component: names.Timesheet, icon: 'Calendar' },
      [PAGES.connectors]: { component: names.PersonalConnectors, icon: 'Link' },
      [PAGES.profile]: { component: names.MyProfile, icon: 'User' },
      [PAGES.reports]: { component: names.Reports, icon: 'BarChart' },
    },
    dashboard: { component: names.Dashboard },
    translations: {
      actions: { stopTimer: 'Stop timer', startAgain: 'Start again', testConnection: 'Test connection', syncNow: 'Sync now', retryNow: 'Retry now' },
      labels: { time_entries: 'Time entries', projects: 'Projects', tasks: 'Tasks', integrations: 'Integrations', project_members: 'Project members', outbox_messages: 'Outbox messages' },
      pages: { [PAGES.timesheet]: 'Timesheet', [PAGES.connectors]: 'Personal connectors', [PAGES.profile]: 'My profile', [PAGES.reports]: 'Reports' },
      // Enum badges are translated as labels.{property}.{label}; without this "GitHub" would read "Git Hub".
      resources: {
        ...RESOURCE_TEXTS,
        integrations: { ...RESOURCE_TEXTS.integrations, labels: { provider: Object.fromEntries(titles.map((t) => [t, t])) } },
      },
      // AdminJS's own forbiddenError text shows raw {{placeholders}} in its notice.
      messages: { forbiddenError: 'You do not have access to this record.' },
    } as Partial<LocaleTranslations>,
  };
}
