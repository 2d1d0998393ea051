// Browser-side calls to the JSON API. The session cookie is shared with AdminJS; state changes
// send JSON bodies (the API refuses other content types and foreign origins).
import type { Result } from './ui.js';

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  ok: boolean;
  /** `fields`: every invalid field of a refused save, `{<field>: <reason>}`. */
  body: T & { ok?: boolean; error?: string; message?: string; fields?: Record<string, string> };
}

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<ApiAnswer<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    return { status: 0, ok: false, body: { ok: false, error: 'The server could not be reached. Check your connection and try again.' } as never };
  }
  let parsed: Record<string, unknown> = {};
  try {
    parsed = await res.json();
  } catch {
    parsed = { ok: false, error: `Unexpected answer from the server (HTTP ${res.status})` };
  }
  if (res.status === 404 && !parsed.error) parsed.error = 'This connector is not available on this server.';
  return { status: res.status, ok: res.ok && parsed.ok !== false, body: parsed as ApiAnswer<T>['body'] };
}

export const apiGet = <T = Record<string, unknown>>(url: string) => call<T>('GET', url);
export const apiPost = <T = Record<string, unknown>>(url: string, body?: unknown) => call<T>('POST', url, body);
export const apiPatch = <T = Record<string, unknown>>(url: string, body?: unknown) => call<T>('PATCH', url, body);
export const apiDelete = <T = Record<string, unknown>>(url: string) => call<T>('DELETE', url);

/** The human message of an answer: `error`, then `message`, then a fallback. */
export function messageOf(answer: ApiAnswer<unknown>, fallback: string): string {
  return answer.body.error || answer.body.message || fallback;
}

/**
 * Splits a validation error `"<field>: <reason>"` when `<field>` is one of the form's fields, so
 * the reason can be shown next to that field.
 */
export function fieldErrorOf(error: string | undefined, fields: readonly string[]): { field: string; reason: string } | null {
  if (!error) return null;
  const m = /^([a-z_][a-z0-9_.]*): (.+)$/is.exec(error);
  if (!m) return null;
  const field = m[1].split('.')[0];
  return fields.includes(field) ? { field, reason: m[2] } : null;
}

export interface ProjectOption {
  id: number;
  name: string;
}

export interface Me {
  id: number;
  username: string;
  email: string;
  full_name: string | null;
  display_name: string;
  role: 'admin' | 'user';
  timezone: string;
  github_username: string | null;
  remind_after_hours: number;
  auto_stop_after_hours: number;
}

/** One connector of GET /api/integrations (the server's connector list). */
export interface ConnectorListing {
  slug: string;
  title: string;
  provider: string;
  /** Name of its card component (bundled by the panel). */
  card: string;
  /** Label of its connection test, e.g. "Send test message". */
  test_label: string;
}

/** What the Personal connectors page gives every card; a card uses what it needs. */
export interface ConnectorCardProps {
  connector: ConnectorListing;
  projects: ProjectOption[];
  me: Me | null;
  isAdmin: boolean;
  /** The page's query string (an OAuth callback's result arrives there). */
  search: string;
}

export async function loadConnectors(): Promise<{ connectors: ConnectorListing[]; error: string | null }> {
  const res = await apiGet<{ connectors: ConnectorListing[] }>('/api/integrations');
  return res.ok && Array.isArray(res.body.connectors) ? { connectors: res.body.connectors, error: null } : { connectors: [], error: messageOf(res, 'Could not load the connectors') };
}

/** "A, B and C". */
export const inWords = (items: readonly string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items.join(''));

export async function loadProjects(): Promise<ProjectOption[]> {
  const res = await apiGet<{ projects: ProjectOption[] }>('/api/projects?status=active');
  return res.ok && Array.isArray(res.body.projects) ? res.body.projects.map((p) => ({ id: p.id, name: p.name })) : [];
}

export async function loadMe(): Promise<Me | null> {
  const res = await apiGet<{ user: Me }>('/api/auth/me');
  return res.ok ? res.body.user : null;
}

/** Copies text, falling back to a hidden textarea where the Clipboard API is unavailable (plain http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea method (permission denied, document not focused)
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const done = document.execCommand('copy');
  document.body.removeChild(area);
  return done;
}

export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const secs = Math.round((Date.now() - d.getTime()) / 1000);
  const abs = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  if (secs < 60) return `just now (${abs})`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago (${abs})`;
  if (secs < 86400) return `${Math.floor(secs / 3600)} h ago (${abs})`;
  return abs;
}

/** A connector's `POST /api/integrations/{slug}/test` as a result line; 404 means nothing is saved yet. */
export async function connectionTest(slug: string, texts: { ok: string; notConfigured: string; failed: string }): Promise<Result> {
  const res = await apiPost(`/api/integrations/${slug}/test`);
  if (res.ok) return { kind: 'success', text: messageOf(res, texts.ok) };
  return { kind: 'error', text: res.status === 404 ? texts.notConfigured : messageOf(res, texts.failed) };
}
