// The AdminJS panel at /admin: resources, the dashboard and two pages (Personal connectors, My
// profile), sharing the session with the JSON API (the same koa-session, backed by PostgreSQL).
// Custom components are React files that AdminJS bundles itself; they talk to the JSON API. Each
// connector's card, its provider label and the login blurb come from the connector list.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AdminJS, { ComponentLoader } from 'adminjs';
import * as AdminJSSequelize from '@adminjs/sequelize';
import type { AdminContext } from './context.js';
import { integrationsResource } from './resources/integrations.resource.js';
import { outboxResource } from './resources/outbox.resource.js';
import { projectMembersResource, projectsResource } from './resources/projects.resource.js';
import { tasksResource } from './resources/tasks.resource.js';
import { timeEntriesResource } from './resources/timeEntries.resource.js';
import { usersResource } from './resources/users.resource.js';

AdminJS.registerAdapter({ Resource: AdminJSSequelize.Resource, Database: AdminJSSequelize.Database });

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * A fresh loader per panel: the host's components, then each connector's card under its own name
 * (the Personal connectors page renders them by that name), so two panels never share a bundle list.
 */
function loadComponents(connectors: AdminContext['connectors']) {
  const componentLoader = new ComponentLoader();
  const components = {
    Dashboard: componentLoader.add('Dashboard', path.join(here, 'components/Dashboard')),
    PersonalConnectors: componentLoader.add('PersonalConnectors', path.join(here, 'components/PersonalConnectors')),
    MyProfile: componentLoader.add('MyProfile', path.join(here, 'components/MyProfile')),
    IntegrationHealth: componentLoader.add('IntegrationHealth', path.join(here, 'components/IntegrationHealth')),
  };
  for (const c of connectors) componentLoader.add(c.card.name, c.card.path);
  return { componentLoader, components };
}

/** "A, B and C". */
const inWords = (items: readonly string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items.join(''));

/** Page keys are URL segments: /admin/pages/personal-connectors, /admin/pages/my-profile. */
export const PAGES = { connectors: 'personal-connectors', profile: 'my-profile' } as const;

export function buildAdmin(ctx: AdminContext): AdminJS {
  const { componentLoader, components: Components } = loadComponents(ctx.connectors);
  const titles = ctx.connectors.map((c) => c.title);
  return new AdminJS({
    rootPath: '/admin',
    loginPath: '/admin/login',
    logoutPath: '/admin/logout',
    componentLoader,
    resources: [timeEntriesResource, projectsResource, tasksResource, integrationsResource(ctx, { health: Components.IntegrationHealth }), outboxResource, usersResource, projectMembersResource],
    dashboard: { component: Components.Dashboard },
    pages: {
      [PAGES.connectors]: { component: Components.PersonalConnectors, icon: 'Link' },
      [PAGES.profile]: { component: Components.MyProfile, icon: 'User' },
    },
    branding: {
      companyName: 'TimeTracker',
      withMadeWithLove: false,
      logo: false,
      favicon: '/favicon.ico',
    },
    locale: {
      language: 'en',
      translations: {
        en: {
          actions: { stopTimer: 'Stop timer', startAgain: 'Start again', testConnection: 'Test connection', syncNow: 'Sync now', retryNow: 'Retry now' },
          properties: { config_summary: 'Configuration' },
          labels: { time_entries: 'Time entries', projects: 'Projects', tasks: 'Tasks', integrations: 'Integrations', users: 'Users', project_members: 'Project members', outbox_messages: 'Outbox messages' },
          pages: { [PAGES.connectors]: 'Personal connectors', [PAGES.profile]: 'My profile' },
          // Enum badges are translated as labels.{property}.{label}; without this "GitHub" would read "Git Hub".
          resources: {
            integrations: {
              labels: { provider: Object.fromEntries(titles.map((t) => [t, t])) },
              properties: {
                user_id: 'Owner', is_active: 'Active', health: 'Status', last_success_at: 'Last verified', last_error_at: 'Last failed',
                last_sync_at: 'Last synced', last_sync_status: 'Last sync status', last_error: 'Last error',
              },
            },
          },
          // AdminJS's own forbiddenError text shows raw {{placeholders}} in its notice.
          messages: { loginWelcome: 'Log in with your TimeTracker email and password.', forbiddenError: 'You do not have access to this record.' },
          components: { Login: { welcomeHeader: 'TimeTracker', welcomeMessage: `Track time where you already work: ${inWords(titles)}.` } },
        },
      },
    },
  });
}
