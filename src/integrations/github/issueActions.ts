// `issues` webhook actions, one small handler each, dispatched through a name → handler map.
// Every handler works only on the delivering integration's default project and owner, never on
// another user's or project's rows. A handler does not write: it returns a Plan, the task work to do (run by
// deliveryStatement.ts in the same statement that records the delivery) and how to answer from
// its result. The timer start of `assigned` runs after that statement through the timer service,
// so its `timer.started` event sees committed data.
import { badRequest, isAppError } from '../../errors.js';
import { User } from '../../models/index.js';
import { activeEntry, ALREADY_RUNNING, startTimer } from '../../services/timer.js';
import type { GithubSettings } from './settings.js';
import type { TaskChanges, TaskWork, WorkResult } from './deliveryStatement.js';
import { issueSchema, matchesLabelFilter, priorityFromLabels, type Issue } from './tasks.js';

export type Body = Record<string, unknown>;

export interface DeliveryOutcome {
  body: Body;
  /** Runs after the delivery was recorded (committed); its answer replaces `body`. */
  afterCommit?: () => Promise<Body>;
}

/** What a delivery does for one integration: optional task work, then the answer from its result. */
export interface Plan {
  work?: TaskWork;
  finish: (result: WorkResult) => DeliveryOutcome;
}

/** One verified integration, as read by the routing query. */
export interface Target {
  integrationId: number;
  owner: { id: number; github_username: string | null };
  settings: GithubSettings;
  /** projectProblem() of the default project at routing time. */
  projectProblem: string | null;
}

export interface IssueContext extends Target {
  issue: Issue;
  payload: Record<string, unknown>;
}

type IssueHandler = (c: IssueContext) => Plan | Promise<Plan>;

const reply = (body: Body): DeliveryOutcome => ({ body: { ok: true, ...body } });
export const answer = (body: Body): Plan => ({ finish: () => reply(body) });
const noTask = () => reply({ ignored: true, reason: 'no task for this issue in the default project' });
// The task existed when the delivery was recorded but was deleted before it could be read back.
const taskGone = () => reply({ ignored: true, reason: 'the task of this issue was deleted meanwhile' });

/** Why this issue cannot become a task now (label filter, default project), or null. */
function creationProblem(c: IssueContext): string | null {
  if (!matchesLabelFilter(c.issue.labels, c.settings.label_filter)) return `issue does not carry the label "${c.settings.label_filter}"`;
  return c.projectProblem;
}

const ensure = (c: IssueContext, refreshPriority = false): TaskWork => ({
  kind: 'ensure',
  target: { projectId: c.settings.default_project_id, ownerId: c.owner.id },
  issue: c.issue,
  refreshPriority,
});

function createTask(c: IssueContext): Plan {
  const problem = creationProblem(c);
  if (problem) return answer({ skipped: problem });
  return { work: ensure(c), finish: (r) => (r.taskId === null ? taskGone() : reply({ task_id: r.taskId, created: r.created })) };
}

function update(c: IssueContext, changes: TaskChanges, orElse: () => DeliveryOutcome = noTask): Plan {
  return {
    work: { kind: 'update', projectId: c.settings.default_project_id, issueNumber: c.issue.number, changes },
    finish: (r) => (r.taskId === null ? orElse() : reply({ task_id: r.taskId })),
  };
}

function relabel(c: IssueContext): Plan {
  const priority = priorityFromLabels(c.issue.labels);
  // Adding the filter label to an issue that had no task brings the issue in.
  const added = (c.payload.label as { name?: unknown } | undefined)?.name;
  const bringsIn = c.payload.action === 'labeled' && c.settings.label_filter && typeof added === 'string' && added.toLowerCase() === c.settings.label_filter;
  if (!bringsIn) return update(c, { priority });
  const problem = creationProblem(c);
  if (problem) return update(c, { priority }, () => reply({ skipped: problem }));
  return { work: ensure(c, true), finish: (r) => reply(r.created ? { task_id: r.taskId, created: true } : { task_id: r.taskId }) };
}

function startOwnerTimer(c: IssueContext, taskId: number): () => Promise<Body> {
  return async () => {
    const owner = await User.findByPk(c.owner.id);
    if (!owner) return { ok: true, task_id: taskId, started: false, message: 'The connector owner no longer exists' };
    try {
      const entry = await startTimer(owner, {
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

async function assigned(c: IssueContext): Promise<Plan> {
  if (!c.settings.auto_start_timer) return answer({ ignored: true, reason: 'auto_start_timer is off' });
  const assignee = (c.payload.assignee as { login?: unknown } | null | undefined)?.login;
  const own = c.owner.github_username?.trim().toLowerCase();
  if (!own || typeof assignee !== 'string' || assignee.toLowerCase() !== own) {
    return answer({ ignored: true, reason: "assignee is not the connector owner's github_username" });
  }
  if (!matchesLabelFilter(c.issue.labels, c.settings.label_filter)) {
    return answer({ skipped: `issue does not carry the label "${c.settings.label_filter}"` });
  }
  // A friendlier early answer only: the timer service's unique index is the real guard.
  if (await activeEntry(c.owner.id)) return answer({ started: false, message: ALREADY_RUNNING });
  if (c.projectProblem) return answer({ skipped: c.projectProblem });
  return {
    work: ensure(c),
    finish: (r) => (r.taskId === null ? taskGone() : { body: { ok: true, task_id: r.taskId }, afterCommit: startOwnerTimer(c, r.taskId) }),
  };
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

/** The `issues` event: validates the issue, then dispatches on `action`. Throws (400) before anything is written. */
export async function handleIssues(c: Omit<IssueContext, 'issue'>): Promise<Plan> {
  const action = typeof c.payload.action === 'string' ? c.payload.action : '';
  const handler = Object.hasOwn(ISSUE_ACTIONS, action) ? ISSUE_ACTIONS[action] : undefined;
  if (!handler) return answer({ ignored: true });
  const parsed = issueSchema.safeParse(c.payload.issue);
  if (!parsed.success) throw badRequest('Malformed issues payload: issue.number, issue.title and issue.labels are expected');
  if (parsed.data.isPullRequest) return answer({ ignored: true, reason: 'pull request' });
  return handler({ ...c, issue: parsed.data });
}
