// `/tt` subcommands, dispatched through a name → handler map. Each handler acts only on the
// TimeTracker user the request was routed to (by the verified Slack user id) and returns the
// reply (text, plus Block Kit buttons where there is something to click); starts and stops go
// through the timer service, so they emit the usual events.
import { isAppError } from '../../errors.js';
import { logger } from '../../lib/logger.js';
import { Project, TimeEntry, type User } from '../../models/index.js';
import { isProjectAllowed, listAllowedProjects } from '../../services/access.js';
import { todaySummary } from '../../services/summary.js';
import { activeEntry, runningSeconds, startTimer, stopTimer, TimerConflictError } from '../../services/timer.js';
import { runningTimerBlocks, startChoiceBlocks, type Block } from './blocks.js';
import { reply } from './messages.js';
import { matchProject } from './projectMatch.js';

export interface CommandContext {
  user: User;
  now: Date;
}

/** What a command answers: the text (today's wording, also the fallback) and optional blocks. */
export interface CommandReply {
  text: string;
  blocks?: Block[];
}

type CommandHandler = (ctx: CommandContext, arg: string) => Promise<string | CommandReply>;

const MAX_LISTED = 10;

/** A reply about the running entry with Stop and a Switch project picker. */
export async function withTimerControls(user: User, text: string, entry: TimeEntry): Promise<CommandReply> {
  const projects = await listAllowedProjects(user, { activeOnly: true });
  return { text, blocks: runningTimerBlocks(text, entry, projects) };
}

export async function alreadyRunning(user: User, entry: TimeEntry, now: Date): Promise<CommandReply> {
  const project = await Project.findByPk(entry.project_id);
  return withTimerControls(user, reply.alreadyRunning(project?.name ?? `project ${entry.project_id}`, runningSeconds(entry, now)), entry);
}

/** The project named in the argument, or the project of the latest entry; or the reply to send instead. */
async function chooseProject(user: User, arg: string): Promise<Project | string | CommandReply> {
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
    case 'many': {
      const listed = choice.projects.slice(0, MAX_LISTED);
      const text = reply.ambiguous(arg.trim(), listed.map((p) => ({ id: p.id, name: p.name })));
      return { text, blocks: startChoiceBlocks(text, listed) };
    }
    case 'inactive':
      return reply.notActive(choice.project.name, choice.project.status);
    default:
      return reply.noMatch(arg.trim());
  }
}

const start: CommandHandler = async ({ user, now }, arg) => {
  const running = await activeEntry(user.id);
  if (running) return alreadyRunning(user, running, now);
  const project = await chooseProject(user, arg);
  if (!(project instanceof Project)) return project;
  let entry: TimeEntry;
  try {
    entry = await startTimer(user, { project_id: project.id, source: 'slack' }, now);
  } catch (err) {
    if (err instanceof TimerConflictError && err.running) return alreadyRunning(user, err.running, now);
    throw err;
  }
  return withTimerControls(user, reply.started(project.name), entry);
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
  return withTimerControls(user, reply.status(project?.name ?? `project ${entry.project_id}`, runningSeconds(entry, now)), entry);
};

const today: CommandHandler = async ({ user, now }) => {
  const s = await todaySummary(user, now);
  return reply.today(s.hours, s.projects);
};

export const COMMANDS: Readonly<Record<string, CommandHandler>> = Object.freeze({ start, stop, status, today });

/** Runs `/tt {text}` for the user. Never throws: failures become an ephemeral explanation. */
export async function runCommand(ctx: CommandContext, text: string): Promise<CommandReply> {
  const trimmed = text.trim();
  const name = trimmed.split(/\s+/, 1)[0]?.toLowerCase() ?? '';
  const handler = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!handler) return { text: reply.help };
  try {
    const answer = await handler(ctx, trimmed.slice(name.length).trim());
    return typeof answer === 'string' ? { text: answer } : answer;
  } catch (err) {
    if (isAppError(err) && err.status < 500) return { text: reply.failed(err.message) };
    logger.error({ err, userId: ctx.user.id, command: name }, 'slack command failed');
    return { text: reply.error };
  }
}
