// Shared test helpers for the GitHub connector: real example payloads from
// @octokit/webhooks-examples, a configured connector per user, signed deliveries, row counts.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { QueryTypes } from 'sequelize';
import type { Project, User } from '../../../src/models/index.js';
import { signPayload } from '../../../src/integrations/github/verifySignature.js';
import { testDb } from '../../support/db.js';
import type { TestClient, TestResponse, TestServer } from '../../support/server.js';

interface ExampleGroup {
  name: string;
  examples: Array<Record<string, any>>;
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];

export const TOKEN = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

/** A deep copy of the first example of `event` (and `action`) that has a repository. */
export function example(event: string, action?: string): Record<string, any> {
  const group = examples.find((g) => g.name === event);
  const found = group?.examples.find((e) => e.repository && (action === undefined || e.action === action));
  if (!found) throw new Error(`no example for ${event}.${action}`);
  return structuredClone(found);
}

export interface IssueOptions {
  repo?: string;
  number?: number;
  title?: string;
  body?: string | null;
  labels?: string[];
  assignee?: string;
}

/** An `issues` payload built from GitHub's own example, adjusted to the test's repository and issue. */
export function issuePayload(action: string, opts: IssueOptions = {}): Record<string, any> {
  const base = action === 'closed' ? { ...example('issues', 'reopened'), action: 'closed' } : example('issues', action);
  const p = structuredClone(base);
  const repo = opts.repo ?? 'Codertocat/Hello-World';
  p.repository.full_name = repo;
  [p.repository.owner.login, p.repository.name] = repo.split('/');
  if (opts.number !== undefined) p.issue.number = opts.number;
  if (opts.title !== undefined) p.issue.title = opts.title;
  if (opts.body !== undefined) p.issue.body = opts.body;
  if (opts.labels) p.issue.labels = opts.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false }));
  if (opts.assignee) p.assignee = { ...(p.assignee ?? p.issue.user), login: opts.assignee };
  p.issue.html_url = `https://github.com/${repo}/issues/${p.issue.number}`;
  if (action === 'closed') {
    p.issue.state = 'closed';
    p.issue.closed_at = '2026-01-02T03:04:05Z';
  }
  return p;
}

export interface Connected {
  client: TestClient;
  secret: string;
  integrationId: number;
}

/** Logs `user` in, saves a GitHub config and reveals the generated webhook secret. */
export async function connectGithub(
  srv: TestServer,
  user: User,
  project: Project,
  opts: { repo?: string; auto_start_timer?: boolean; label_filter?: string; token?: string } = {},
): Promise<Connected> {
  const client = srv.client();
  await client.login(user.email);
  const [repo_owner, repo_name] = (opts.repo ?? 'Codertocat/Hello-World').split('/');
  const saved = await client.post('/api/integrations/github/config', {
    github_token: opts.token ?? TOKEN,
    repo_owner,
    repo_name,
    default_project_id: project.id,
    auto_start_timer: opts.auto_start_timer ?? false,
    label_filter: opts.label_filter ?? '',
  });
  if (saved.status !== 200) throw new Error(`config save failed: ${saved.status} ${saved.text}`);
  const revealed = await client.post('/api/integrations/github/webhook-secret', {});
  return { client, secret: revealed.body.webhook_secret, integrationId: saved.body.id };
}

export interface DeliverOptions {
  event?: string;
  secret?: string;
  delivery?: string;
  signature?: string | null;
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

/** POSTs a webhook delivery the way GitHub does: raw JSON bytes signed with the secret. */
export async function deliver(srv: TestServer, payload: unknown, opts: DeliverOptions = {}): Promise<TestResponse> {
  const raw = opts.raw ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-GitHub-Event': opts.event ?? 'issues',
    'X-GitHub-Delivery': opts.delivery ?? crypto.randomUUID(),
    'User-Agent': 'GitHub-Hookshot/test',
    ...opts.headers,
  };
  if (opts.signature !== null) headers['X-Hub-Signature-256'] = opts.signature ?? signPayload(opts.secret ?? 'unset', raw);
  return srv.client().request('POST', '/api/integrations/github/webhook', { body: raw, headers });
}

/** Row counts of the tables a delivery may write. */
export async function counts(): Promise<Record<'tasks' | 'deliveries' | 'entries' | 'integrations', number>> {
  const { sequelize } = await testDb();
  const [row] = await sequelize.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM webhook_deliveries) AS deliveries,
            (SELECT count(*) FROM time_entries) AS entries, (SELECT count(*) FROM integrations) AS integrations`,
    { type: QueryTypes.SELECT },
  );
  return { tasks: Number(row.tasks), deliveries: Number(row.deliveries), entries: Number(row.entries), integrations: Number(row.integrations) };
}
