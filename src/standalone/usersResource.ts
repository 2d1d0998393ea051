// The standalone server's Users resource (admins only): admins set a user's role, time zone, GitHub username and can reset a
// password (the virtual `password` field is hashed here; blank keeps the current hash). Everyone
// edits their own profile on the "My profile" page (GET/PATCH /api/me), not through this resource.
import type { ActionRequest, ResourceWithOptions } from 'adminjs';
import { ValidationError } from 'adminjs';
import type { CurrentAdmin } from 'adminjs';
import { hashPassword } from '../services/passwords.js';
import { isValidTimeZone } from '../services/time.js';
import { githubUsername } from '../validation/schemas.js';
import { StandaloneUser as User } from './user.js';

const isAdmin = ({ currentAdmin }: { currentAdmin?: CurrentAdmin }) => currentAdmin?.role === 'admin';

const MIN_PASSWORD = 8;

/**
 * Validates and hashes a submitted `password` into password_hash (an empty one keeps the current
 * hash; a new user needs one); refuses an unknown time zone instead of silently replacing it.
 */
async function hashSubmittedPassword(request: ActionRequest): Promise<ActionRequest> {
  const payload = request.payload;
  if (request.method !== 'post' || !payload) return request;
  const { password, ...rest } = payload as Record<string, unknown>;
  delete rest.password_hash;
  const errors: Record<string, { message: string }> = {};
  if (typeof rest.timezone === 'string' && rest.timezone && !isValidTimeZone(rest.timezone)) {
    errors.timezone = { message: 'Unknown time zone; use an IANA name such as Europe/Berlin' };
  }
  const isNew = !request.params?.recordId;
  if (typeof password === 'string' && password.length > 0 && password.length < MIN_PASSWORD) {
    errors.password = { message: `Must be at least ${MIN_PASSWORD} characters` };
  } else if (isNew && !(typeof password === 'string' && password.length > 0)) {
    errors.password = { message: 'Required for a new user' };
  }
  if (typeof rest.github_username === 'string' && rest.github_username.trim()) {
    const gh = githubUsername.safeParse(rest.github_username);
    if (!gh.success) errors.github_username = { message: gh.error.issues[0].message };
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  if (typeof password === 'string' && password.length > 0) rest.password_hash = await hashPassword(password);
  if (typeof rest.github_username === 'string') rest.github_username = rest.github_username.trim() || null;
  return { ...request, payload: rest };
}

export const usersResource: ResourceWithOptions = {
  resource: User,
  options: {
    navigation: { name: 'Administration', icon: 'Users' },
    listProperties: ['id', 'username', 'email', 'full_name', 'role', 'is_active', 'timezone', 'github_username'],
    showProperties: ['id', 'username', 'email', 'full_name', 'role', 'is_active', 'timezone', 'github_username', 'created_at', 'updated_at'],
    editProperties: ['username', 'email', 'full_name', 'password', 'role', 'is_active', 'timezone', 'github_username'],
    filterProperties: ['username', 'email', 'role', 'is_active'],
    properties: {
      password_hash: { isVisible: false },
      password: { type: 'password', isVisible: { list: false, show: false, filter: false, edit: true }, description: 'Leave blank to keep the current password.' },
      // inputId labels the select's text input, so it can be reached by id (and by the browser tests).
      role: { availableValues: [{ value: 'admin', label: 'Admin' }, { value: 'user', label: 'User' }], props: { inputId: 'role' } },
      timezone: { description: 'IANA time zone, e.g. Europe/Berlin. Used for "today" and daily summaries.' },
      github_username: { description: 'GitHub login; assigned issues can start this user\'s timer.' },
    },
    actions: {
      list: { isAccessible: isAdmin },
      show: { isAccessible: isAdmin },
      search: { isAccessible: isAdmin },
      new: { isAccessible: isAdmin, before: hashSubmittedPassword },
      edit: { isAccessible: isAdmin, before: hashSubmittedPassword },
      delete: { isAccessible: isAdmin },
      bulkDelete: { isAccessible: false },
    },
  },
};
