// Presenters pick fields explicitly, so a secret or a password hash can never leak by accident.
import type { Project, Task, TimeEntry, User } from '../models/index.js';

type UserFields = Pick<User, 'id' | 'username' | 'email' | 'full_name' | 'role' | 'is_active' | 'timezone' | 'github_username'>;

/** A JSON body's fields (the branded Sequelize attribute types stay inside this module). */
type Json = Record<string, unknown>;

export const presentUser = (u: UserFields): Json => ({
  id: u.id,
  username: u.username,
  email: u.email,
  full_name: u.full_name,
  display_name: u.full_name || u.username,
  role: u.role,
  is_active: u.is_active,
  timezone: u.timezone,
  github_username: u.github_username,
});

/** The own profile (GET/PATCH /api/me): the user plus their runaway-timer settings. */
export const presentMe = (u: UserFields & Pick<User, 'remind_after_hours' | 'auto_stop_after_hours'>): Json => ({
  ...presentUser(u),
  remind_after_hours: u.remind_after_hours,
  auto_stop_after_hours: u.auto_stop_after_hours,
});

export const presentProject = (p: Project): Json => ({
  id: p.id,
  name: p.name,
  status: p.status,
  billable: p.billable,
  created_at: p.created_at,
});

export const presentTask = (t: Task): Json => ({
  id: t.id,
  project_id: t.project_id,
  name: t.name,
  description: t.description,
  status: t.status,
  priority: t.priority,
  created_by: t.created_by,
  assigned_to: t.assigned_to,
  completed_at: t.completed_at,
  external_ref: t.external_ref,
  external_url: t.external_url,
  created_at: t.created_at,
  updated_at: t.updated_at,
});

export const presentEntry = (e: TimeEntry): Json => ({
  id: e.id,
  user_id: e.user_id,
  project_id: e.project_id,
  task_id: e.task_id,
  start_time: e.start_time,
  end_time: e.end_time,
  duration_seconds: e.duration_seconds,
  notes: e.notes,
  source: e.source,
  billable: e.billable,
  external_ref: e.external_ref,
  created_at: e.created_at,
  updated_at: e.updated_at,
});
