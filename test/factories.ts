// Test data builders. Every user's password is "password123" unless given.
import { Project, ProjectMember, Task, TimeEntry, User } from '../src/models/index.js';
import { hashPassword } from '../src/services/passwords.js';
import { StandaloneUser } from '../src/standalone/user.js';

let seq = 0;
const next = () => ++seq;
let cachedHash: Promise<string> | undefined;

/** A user of the standalone server (the host), as TimeTracker sees it. */
export async function makeUser(attrs: Partial<{ username: string; email: string; password: string; role: 'admin' | 'user'; timezone: string; github_username: string | null; full_name: string | null; is_active: boolean }> = {}): Promise<User> {
  const n = next();
  const username = attrs.username ?? `user${n}`;
  const password_hash = attrs.password ? await hashPassword(attrs.password) : await (cachedHash ??= hashPassword('password123'));
  const created = await StandaloneUser.create({
    username,
    email: attrs.email ?? `${username}@example.test`,
    full_name: attrs.full_name ?? null,
    password_hash,
    role: attrs.role ?? 'user',
    timezone: attrs.timezone ?? 'UTC',
    github_username: attrs.github_username ?? null,
    is_active: attrs.is_active ?? true,
  });
  return (await User.findByPk(created.id))!;
}

export const makeAdmin = (attrs: Parameters<typeof makeUser>[0] = {}) => makeUser({ role: 'admin', ...attrs });

export async function makeProject(attrs: Partial<{ name: string; status: 'active' | 'inactive' | 'archived'; billable: boolean; members: User[] }> = {}): Promise<Project> {
  const project = await Project.create({ name: attrs.name ?? `Project ${next()}`, status: attrs.status ?? 'active', billable: attrs.billable ?? true });
  for (const u of attrs.members ?? []) await ProjectMember.create({ project_id: project.id, user_id: u.id });
  return project;
}

export async function makeTask(project: Project, attrs: Partial<{ name: string; external_ref: string | null; status: Task['status']; priority: Task['priority'] }> = {}): Promise<Task> {
  return Task.create({
    project_id: project.id,
    name: attrs.name ?? `Task ${next()}`,
    description: null,
    status: attrs.status ?? 'todo',
    priority: attrs.priority ?? 'medium',
    created_by: null,
    assigned_to: null,
    completed_at: null,
    external_ref: attrs.external_ref ?? null,
    external_url: null,
  });
}

export async function makeEntry(user: User, project: Project, attrs: Partial<{ start: Date; end: Date | null; notes: string | null; source: TimeEntry['source']; task: Task | null; external_ref: string | null; billable: boolean }> = {}): Promise<TimeEntry> {
  const start = attrs.start ?? new Date(Date.now() - 3600_000);
  const end = attrs.end === undefined ? new Date(start.getTime() + 1800_000) : attrs.end;
  return TimeEntry.create({
    user_id: user.id,
    project_id: project.id,
    task_id: attrs.task?.id ?? null,
    start_time: start,
    end_time: end,
    duration_seconds: end ? Math.floor((end.getTime() - start.getTime()) / 1000) : null,
    notes: attrs.notes ?? null,
    source: attrs.source ?? 'manual',
    billable: attrs.billable ?? false,
    external_ref: attrs.external_ref ?? null,
  });
}
