// What TimeTracker's resources are called in the panel: page titles, column and field labels, and
// what an empty list says (AdminJS looks these up under resources.{resourceId}).
import type { LocaleTranslations } from 'adminjs';

type ResourceTexts = NonNullable<LocaleTranslations['resources']>[string];

/** Column and field labels shared by several resources. */
const COMMON = {
  id: 'ID', user_id: 'User', project_id: 'Project', task_id: 'Task', created_at: 'Created', updated_at: 'Updated',
  is_active: 'Active', github_username: 'GitHub username', billable: 'Billable', notes: 'Notes', name: 'Name', status: 'Status',
};

/** A resource's title on its list page (instead of "List"), its record pages, and its empty state. */
function texts(list: string, one: string, empty: string, properties: Record<string, string> = {}): ResourceTexts {
  return {
    actions: { list, show: one, edit: `Edit ${one.toLowerCase()}`, new: `New ${one.toLowerCase()}` },
    properties: { ...COMMON, ...properties },
    messages: { noRecords: `No ${list.toLowerCase()} yet`, noRecordsInResource: empty },
  };
}

export const RESOURCE_TEXTS: Record<string, ResourceTexts> = {
  time_entries: texts('Time entries', 'Time entry', 'Time you track shows up here. Start a timer on the Dashboard, or create an entry (leave Ended empty to start a timer now).', {
    start_time: 'Started', end_time: 'Ended', duration_seconds: 'Duration', source: 'Source', external_ref: 'External reference',
  }),
  projects: texts('Projects', 'Project', 'Projects group your time and tasks. An admin creates them here and adds members under Administration → Project members.', {
    members: 'Members', hours_this_week: 'This week',
  }),
  tasks: texts('Tasks', 'Task', 'Tasks are the work inside a project. Create one here, or connect GitHub under Personal connectors to turn issues into tasks.', {
    external_ref: 'Source', assigned_to: 'Assignee', created_by: 'Created by', completed_at: 'Completed', priority: 'Priority', description: 'Description',
  }),
  integrations: texts('Integrations', 'Integration', 'Your connected services appear here. Connect one under Personal connectors (GitHub, Google Calendar or Slack).', {
    user_id: 'Owner', provider: 'Service', health: 'Status', config_summary: 'Settings', last_success_at: 'Last verified', last_error_at: 'Last failed',
    last_sync_at: 'Last synced', last_sync_status: 'Last sync status', last_error: 'Last error',
  }),
  outbox_messages: texts('Outbox messages', 'Outbox message', 'Messages TimeTracker sends out (Slack notifications) wait here until delivered. Nothing is waiting.', {
    integration_id: 'Integration', kind: 'Kind', channel: 'Channel', attempts: 'Attempts', next_attempt_at: 'Next attempt', sent_at: 'Sent', last_error: 'Last error', payload: 'Payload',
  }),
  project_members: texts('Project members', 'Project member', 'Members may track time on a project. Add one to let a user (not an admin) use a project.'),
};
