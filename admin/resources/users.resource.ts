import type { ActionRequest, ResourceWithOptions } from 'adminjs';
import { User } from '../../src/models/index.js';
import { hashPassword } from '../../src/services/passwords.js';
import { isValidTimeZone } from '../../src/services/time.js';
import { isAdmin } from '../access.js';

/** Hashes a submitted `password` into password_hash; an empty one keeps the current hash. */
async function hashSubmittedPassword(request: ActionRequest): Promise<ActionRequest> {
  const payload = request.payload;
  if (request.method !== 'post' || !payload) return request;
  const { password, ...rest } = payload as Record<string, unknown>;
  delete rest.password_hash;
  if (typeof rest.timezone === 'string' && rest.timezone && !isValidTimeZone(rest.timezone)) {
    rest.timezone = 'UTC';
  }
  if (typeof password === 'string' && password.length > 0) rest.password_hash = await hashPassword(password);
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
      role: { availableValues: [{ value: 'admin', label: 'Admin' }, { value: 'user', label: 'User' }] },
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
