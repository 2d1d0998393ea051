// `issues` webhook actions, one small handler each, dispatched through a name → handler map.
// Every handler works only on the delivering integration's default project and owner (SPEC trap
// 5). Database work runs inside the delivery's transaction; the timer start of `assigned` runs
// after commit through the timer service, so its `timer.started` event sees committed data.
import type { Transaction } from 'sequelize';
import { badRequest, isAppError } from '../../errors.js';
import { TimeEntry, type Integration, type User } from '../../models/index.js';
import { ALREADY_RUNNING, startTimer } from '../../services/timer.js';
import type { GithubSettings } from './config.js';
import { ensureIssueTask, issueSchema, matchesLabelFilter, priorityFromLabels, updateIssueTask, type Issue } from './tasks.js';

export type Body = Record<string, unknown>;

export interface DeliveryOutcome {
  body: Body;
  /** Runs after the delivery's transaction committed; its answer replaces `body`. */
  afterCommit?: () => Promise<Body>;
}

export interface IssueContext {
  row: Integration;
  owner: User;
  settings: GithubSettings;
  issue: Issue;
  payload: Record<string, unknown>;
  /** defaultProjectProblem(), read before the transaction (handlers query only through `transaction`). */
  projectProblem: string | null;
  transaction: Transaction;
}

type IssueHandler = (c: IssueContext) => Promise<DeliveryOutcome>;

const reply = (body: Body): DeliveryOutcome => ({ body: { ok: true, ...body } });
const noTask = () => reply({ ignored: true, reason: 'no task for this issue in the default project' });

async function createTask(c: IssueContext): Promise<DeliveryOutcome> {
  if (!matchesLabelFilter(c.issue.labels, c.settings.label_filter)) {
    return reply({ skipped: `issue does not carry the label "${c.settings.label_filter}"` });
  }
  if (c.projectProblem) return reply({ skipped: c.projectProblem });
  const task = await ensureIssueTask({ projectId: c.settings.default_project_id, ownerId: c.owner.id }, c.issue, c.transaction);
  return reply({ task_id: task.id, created: task.created });
}

async function update(c: IssueContext, values: Parameters<typeof updateIssueTask>[2]): Promise<DeliveryOutcome> {
  const taskId = await updateIssueTask(c.settings.default_project_id, c.issue.number, values, c.transaction);
  return taskId === null ? noTask() : reply({ task_id: taskId });
}

async function relabel(c: IssueContext): Promise<DeliveryOutcome> {
  const outcome = await update(c, { priority: priorityFromLabels(c.issue.labels) });
  // Adding the filter label to an issue that had no task brings the issue in.
  const added = (c.payload.label as { name?: unknown } | undefined)?.name;
  const bringsIn = c.settings.label_filter && typeof added === 'string' && added.toLowerCase() === c.settings.label_filter;
  if (outcome.body.ignored && c.payload.action === 'labeled' && bringsIn) return createTask(c);
  return outcome;
}

function startOwnerTimer(c: IssueContext, taskId: number): () => Promise<Body> {
  return async () => {
    try {
      const entry = await startTimer(c.owner, {
        project_id: c.settings.default_project_id,
        task_id: taskId,
        notes: `GitHub issue #${c.issue.number}: ${c.issue.title.slice(0, 160)}`,
        source: 'github',
      });
      return { ok: true, task_id: taskId, started: true, time_entry_id: entry.id };
    } catch (err) {
      if (isAppError(err)) return { ok: true, task_id: taskId, started: false, message: err.message };
      throw err;
    }
  };
}

async function assigned(c: IssueContext): Promise<DeliveryOutcome> {
  if (!c.settings.auto_start_timer) return reply({ ignored: true, reason: 'auto_start_timer is off' });
  const assignee = (c.payload.assignee as { login?: unknown } | null | undefined)?.login;
  const own = c.owner.github_username?.trim().toLowerCase();
  if (!own || typeof assignee !== 'string' || assignee.toLowerCase() !== own) {
    return reply({ ignored: true, reason: "assignee is not the connector owner's github_username" });
  }
  if (!matchesLabelFilter(c.issue.labels, c.settings.label_filter)) {
    return reply({ skipped: `issue does not carry the label "${c.settings.label_filter}"` });
  }
  const running = await TimeEntry.count({ where: { user_id: c.owner.id, end_time: null }, transaction: c.transaction });
  if (running > 0) return reply({ started: false, message: ALREADY_RUNNING });
  if (c.projectProblem) return reply({ skipped: c.projectProblem });
  const task = await ensureIssueTask({ projectId: c.settings.default_project_id, ownerId: c.owner.id }, c.issue, c.transaction);
  return { body: { ok: true, task_id: task.id }, afterCommit: startOwnerTimer(c, task.id) };
}

export const ISSUE_ACTIONS: Readonly<Record<string, IssueHandler>> = {
  opened: createTask,
  assigned,
  closed: (c) => update(c, { status: 'done', completed_at: c.issue.closedAt ?? new Date() }),
  reopened: (c) => update(c, { status: 'todo', completed_at: null }),
  edited: (c) => update(c, { name: c.issue.name, description: c.issue.description }),
  labeled: relabel,
  unlabeled: relabel,
};

/** The `issues` event: validates the issue, then dispatches on `action`. */
export async function handleIssues(c: Omit<IssueContext, 'issue'>): Promise<DeliveryOutcome> {
  const action = typeof c.payload.action === 'string' ? c.payload.action : '';
  const handler = Object.hasOwn(ISSUE_ACTIONS, action) ? ISSUE_ACTIONS[action] : undefined;
  if (!handler) return reply({ ignored: true });
  const parsed = issueSchema.safeParse(c.payload.issue);
  if (!parsed.success) throw badRequest('Malformed issues payload: issue.number, issue.title and issue.labels are expected');
  if (parsed.data.isPullRequest) return reply({ ignored: true, reason: 'pull request' });
  return handler({ ...c, issue: parsed.data });
}
