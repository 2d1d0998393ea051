// `/tt` subcommands, dispatched through a name → handler map. Each handler acts only on the
// TimeTracker user the request was routed to (by the verified Slack user id) and returns the
// reply text; starts and stops go through the timer service, so they emit the usual events.
import { isAppError } from '../../errors.js';
import { logger } from '../../lib/logger.js';
import { Project, TimeEntry, type User } from '../../models/index.js';
import { isProjectAllowed, listAllowedProjects } from '../../services/access.js';
import { todaySummary } from '../../services/summary.js';
import { activeEntry, runningSeconds, startTimer, stopTimer, TimerConflictError } from '../../services/timer.js';
import { reply } from './messages.js';
import { matchProject } from './projectMatch.js';

export interface CommandContext {
  user: User;
  now: Date;
}

type CommandHandler = (ctx: CommandContext, arg: string) => Promise<string>;

const MAX_LISTED = 10;

async function alreadyRunning(entry: TimeEntry, now: Date): Promise<string> {
  const project = await Project.findByPk(entry.project_id);
  return reply.alreadyRunning(project?.name ?? `project ${entry.project_id}`, runningSeconds(entry, now));
}

/** The project named in the argument, or the project of the latest entry; or the reply to send instead. */
async function chooseProject(user: User, arg: string): Promise<Project | string> {
  if (!arg) {
    const latest = await TimeEntry.findOne({ where: { user_id: user.id }, order: [['start_time', 'DESC'], ['id', 'DESC']] });
    const project = latest ? await Project.findByPk(latest.project_id) : null;
    if (!project || !(await isProjectAllowed(user, project.id))) return reply.startUsage;
    return project.status === 'active' ? project : reply.notActive(project.name, project.status);
  }
  const choice = matchProject(await listAllowedProjects(user), arg);
  switch (choice.kind) {
    case 'one':
      return choice.project;
    case 'many':
      return reply.ambiguous(arg.trim(), choice.projects.slice(0, MAX_LISTED).map((p) => ({ id: p.id, name: p.name })));
    case 'inactive':
      return reply.notActive(choice.project.name, choice.project.status);
    default:
      return reply.noMatch(arg.trim());
  }
}

const start: CommandHandler = async ({ user, now }, arg) => {
  const running = await activeEntry(user.id);
  if (running) return alreadyRunning(running, now);
  const project = await chooseProject(user, arg);
  if (typeof project === 'string') return project;
  try {
    await startTimer(user, { project_id: project.id, source: 'slack' }, now);
  } catch (err) {
    if (err instanceof TimerConflictError && err.running) return alreadyRunning(err.running, now);
    throw err;
  }
  return reply.started(project.name);
};

const stop: CommandHandler = async ({ user, now }) => {
  if (!(await activeEntry(user.id))) return reply.nothingToStop;
  try {
    const entry = await stopTimer(user, now);
    return reply.stopped(entry.duration_seconds ?? 0);
  } catch (err) {
    if (isAppError(err) && err.status === 404) return reply.nothingToStop;
    throw err;
  }
};

const status: CommandHandler = async ({ user, now }) => {
  const entry = await activeEntry(user.id);
  if (!entry) return reply.noTimer;
  const project = await Project.findByPk(entry.project_id);
  return reply.status(project?.name ?? `project ${entry.project_id}`, runningSeconds(entry, now));
};

const today: CommandHandler = async ({ user, now }) => {
  const s = await todaySummary(user, now);
  return reply.today(s.hours, s.projects);
};

export const COMMANDS: Readonly<Record<string, CommandHandler>> = Object.freeze({ start, stop, status, today });

/** Runs `/tt {text}` for the user. Never throws: failures become an ephemeral explanation. */
export async function runCommand(ctx: CommandContext, text: string): Promise<string> {
  const trimmed = text.trim();
  const name = trimmed.split(/\s+/, 1)[0]?.toLowerCase() ?? '';
  const handler = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!handler) return reply.help;
  try {
    return await handler(ctx, trimmed.slice(name.length).trim());
  } catch (err) {
    if (isAppError(err) && err.status < 500) return reply.failed(err.message);
    logger.error({ err, userId: ctx.user.id, command: name }, 'slack command failed');
    return reply.error;
  }
}
