// Request signing as GitHub and Slack do it, over the exact bytes sent.
import crypto from 'node:crypto';

/** `X-Hub-Signature-256`: `sha256=` + hex HMAC-SHA256 of the raw body. */
export function githubSignature(body: string | Buffer, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** `X-Slack-Signature`: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`. */
export function slackSignature(body: string, secret: string, timestamp: number | string): string {
  return `v0=${crypto.createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

export interface IssuePayloadOptions {
  action?: string;
  number: number;
  repo: string;
  title?: string;
  labels?: string[];
  assignee?: string;
}

export function issuePayload(o: IssuePayloadOptions): Record<string, unknown> {
  const [owner, name] = o.repo.split('/');
  return {
    action: o.action ?? 'opened',
    issue: {
      number: o.number,
      title: o.title ?? `Benchmark issue ${o.number}`,
      body: 'Steps to reproduce: run the benchmark.',
      html_url: `https://github.com/${o.repo}/issues/${o.number}`,
      state: 'open',
      labels: (o.labels ?? ['bug']).map((l) => ({ name: l })),
      assignee: o.assignee ? { login: o.assignee } : null,
      user: { login: 'octocat' },
    },
    assignee: o.assignee ? { login: o.assignee } : undefined,
    repository: { full_name: o.repo, name, owner: { login: owner } },
    sender: { login: 'octocat' },
  };
}

/** A signed GitHub webhook delivery. */
export function signedGithubDelivery(event: string, payload: unknown, secret: string, deliveryId: string = crypto.randomUUID()): SignedRequest {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': githubSignature(body, secret),
    },
  };
}

/** A signed Slack slash command (form body). */
export function signedSlashCommand(
  o: { text: string; userId: string; teamId?: string; command?: string },
  secret: string,
  now: number = Math.floor(Date.now() / 1000),
): SignedRequest {
  const body = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: o.teamId ?? 'T0BENCH',
    team_domain: 'bench',
    channel_id: 'C0BENCH',
    channel_name: 'general',
    user_id: o.userId,
    user_name: o.userId.toLowerCase(),
    command: o.command ?? '/tt',
    text: o.text,
    response_url: 'http://127.0.0.1:9/unused',
    trigger_id: `${now}.${crypto.randomBytes(4).toString('hex')}`,
  }).toString();
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(now),
      'x-slack-signature': slackSignature(body, secret, now),
    },
  };
}
