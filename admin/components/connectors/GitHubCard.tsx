// GitHub card (docs/integrations/GITHUB_CONNECTOR.md): token, repository, default project, auto-start, label filter, the
// webhook URL and secret (Reveal / Copy / Regenerate), Save / Test connection / Sync now (admins).
import React, { useEffect, useState } from 'react';
import { Box, Button, Icon, Text } from '@adminjs/design-system';
import { apiPost, messageOf, type ProjectOption } from './api.js';
import { useActions, useFieldErrors, useStatus } from './hooks.js';
import {
  ActionButton, ButtonRow, Card, CheckField, CopyValue, Field, FieldGrid, healthOf, ProjectSelect, ResultLine, SecretField, Section, SyncLine, TextField,
  type Result, type SyncInfo,
} from './ui.js';

interface GitHubStatus extends SyncInfo {
  id?: number | null;
  repo_owner?: string | null;
  repo_name?: string | null;
  default_project_id?: number | null;
  auto_start_timer?: boolean;
  label_filter?: string | null;
  has_token?: boolean;
  has_github_token?: boolean;
  has_webhook_secret?: boolean;
  webhook_url?: string | null;
}

const FIELDS = ['github_token', 'repo_owner', 'repo_name', 'default_project_id', 'auto_start_timer', 'label_filter'] as const;
const T = 'github';

function syncSummary(body: Record<string, unknown>): string {
  const errors = Array.isArray(body.errors) ? body.errors.length : 0;
  return `Sync finished: ${Number(body.synced ?? 0)} issue(s) synced, ${Number(body.skipped ?? 0)} skipped${errors ? `, ${errors} error(s)` : ''}.`;
}

const WebhookSecret: React.FC<{ hasSecret: boolean; onRotated: () => void }> = ({ hasSecret, onRotated }) => {
  const [secret, setSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const { busy, result, setResult, run } = useActions();
  const fetchSecret = (regenerate: boolean) =>
    run(regenerate ? 'regenerate' : 'reveal', async (): Promise<Result> => {
      const res = await apiPost<{ webhook_secret?: string }>('/api/integrations/github/webhook-secret', regenerate ? { regenerate: true } : {});
      setConfirming(false);
      if (!res.ok || !res.body.webhook_secret) return { kind: 'error', text: messageOf(res, 'Could not read the webhook secret') };
      setSecret(res.body.webhook_secret);
      if (regenerate) onRotated();
      return regenerate
        ? { kind: 'success', text: 'New secret generated. Paste it into the webhook settings on GitHub; deliveries signed with the old one are accepted for a short while.' }
        : { kind: 'info', text: 'Paste this secret into the webhook settings on GitHub (Settings → Webhooks).' };
    });
  if (!hasSecret) return <Text variant="sm" color="grey60" data-testid="github-secret-none">A secret is generated when you first save this connector.</Text>;
  return (
    <Box>
      <CopyValue testId="github-secret" value={secret} placeholder="•••••••••••••••••••• (hidden)"
        extra={
          <>
            {secret ? null : <ActionButton testId="github-secret-reveal" label="Reveal" busyLabel="Revealing…" icon="Eye" busy={busy === 'reveal'} onClick={() => void fetchSecret(false)} />}
            <ActionButton testId="github-secret-regenerate" label="Regenerate" busyLabel="Regenerating…" icon="RefreshCw" danger busy={busy === 'regenerate'} disabled={confirming} onClick={() => setConfirming(true)} />
          </>
        }
      />
      {confirming ? (
        <Box mt="default" p="default" flex flexDirection="row" alignItems="center" flexWrap="wrap" style={{ gap: 8, background: '#F6EDE8', borderRadius: 4 }} data-testid="github-secret-confirm">
          <Text variant="sm" style={{ flex: 1 }}>Generate a new secret? GitHub keeps sending the old one until you paste the new secret there.</Text>
          <Button type="button" size="sm" variant="contained" color="danger" data-testid="github-secret-confirm-yes" onClick={() => void fetchSecret(true)}>Yes, regenerate</Button>
          <Button type="button" size="sm" variant="text" onClick={() => setConfirming(false)}>Cancel</Button>
        </Box>
      ) : null}
      <ResultLine result={result} testId="github-secret-result" onClose={() => setResult(null)} />
    </Box>
  );
};

const GitHubCard: React.FC<{ projects: ProjectOption[]; isAdmin: boolean }> = ({ projects, isAdmin }) => {
  const { status, setStatus, loadError, reload, testConnection, syncNow } = useStatus<GitHubStatus>(T);
  const { busy, result, setResult, run } = useActions();
  const { errors, clear, fromAnswer } = useFieldErrors(FIELDS);
  const [form, setForm] = useState({ github_token: '', repo_owner: '', repo_name: '', default_project_id: '', auto_start_timer: false, label_filter: '' });
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    if (!status) return;
    setForm((f) => ({
      github_token: f.github_token,
      repo_owner: status.repo_owner ?? '',
      repo_name: status.repo_name ?? '',
      default_project_id: status.default_project_id ? String(status.default_project_id) : '',
      auto_start_timer: Boolean(status.auto_start_timer),
      label_filter: status.label_filter ?? '',
    }));
  }, [status]);

  const save = () =>
    run('save', async () => {
      const body: Record<string, unknown> = {
        repo_owner: form.repo_owner.trim(),
        repo_name: form.repo_name.trim(),
        default_project_id: form.default_project_id ? Number(form.default_project_id) : null,
        auto_start_timer: form.auto_start_timer,
        label_filter: form.label_filter.trim() || null,
      };
      if (form.github_token.trim()) body.github_token = form.github_token.trim();
      const res = await apiPost<GitHubStatus>('/api/integrations/github/config', body);
      if (!res.ok) return fromAnswer(res, 'Could not save');
      clear();
      set({ github_token: '' });
      setStatus(res.body);
      return { kind: 'success', text: 'GitHub settings saved.' };
    });

  const test = () => run('test', () => testConnection({ ok: 'Connection works', notConfigured: 'Save the configuration first.', failed: 'Connection failed' }));
  const sync = () => run('sync', () => syncNow(status?.id ? { integration_id: status.id } : {}, syncSummary));

  const health = healthOf(status, loadError, 'Test connection');
  const hasToken = Boolean(status?.has_token ?? status?.has_github_token ?? status?.connected);
  return (
    <Card testId="card-github" title="GitHub" icon="GitHub" health={health}
      intro="Turns issues of one repository into tasks of a project and, when an issue is assigned to you, can start your timer. Use a personal access token that can read the repository's issues.">
      {status ? <SyncLine status={status} testId="github" health={health} /> : null}
      <FieldGrid>
        <SecretField id="github_token" label="Personal access token" isSet={hasToken} value={form.github_token} onChange={(v) => set({ github_token: v })} error={errors.github_token} />
        <Field id="github_default_project_id" label="Default project" required error={errors.default_project_id} hint="New issues become tasks in this project.">
          <ProjectSelect id="github_default_project_id" value={form.default_project_id} onChange={(v) => set({ default_project_id: v })} projects={projects} />
        </Field>
        <Field id="repo_owner" label="Repository owner" required error={errors.repo_owner} hint="User or organisation, e.g. octocat.">
          <TextField id="repo_owner" value={form.repo_owner} onChange={(v) => set({ repo_owner: v })} placeholder="octocat" />
        </Field>
        <Field id="repo_name" label="Repository name" required error={errors.repo_name} hint="e.g. hello-world.">
          <TextField id="repo_name" value={form.repo_name} onChange={(v) => set({ repo_name: v })} placeholder="hello-world" />
        </Field>
        <Field id="label_filter" label="Label filter (optional)" error={errors.label_filter} hint="Only issues with this label become tasks.">
          <TextField id="label_filter" value={form.label_filter} onChange={(v) => set({ label_filter: v })} placeholder="time-tracked" />
        </Field>
        <Box pt="xl">
          <CheckField id="auto_start_timer" label="Start my timer when an issue is assigned to me" checked={form.auto_start_timer} onChange={(v) => set({ auto_start_timer: v })}
            hint="Matches the GitHub username in My profile." />
        </Box>
      </FieldGrid>
      <ButtonRow>
        <ActionButton testId="github-save" label="Save" busyLabel="Saving…" icon="Save" primary busy={busy === 'save'} disabled={Boolean(busy)} onClick={() => void save()} />
        <ActionButton testId="github-test" label="Test connection" busyLabel="Testing…" icon="Activity" busy={busy === 'test'} disabled={Boolean(busy) || !status?.id} onClick={() => void test()} />
        {isAdmin ? <ActionButton testId="github-sync" label="Sync now" busyLabel="Syncing…" icon="RefreshCw" busy={busy === 'sync'} disabled={Boolean(busy) || !status?.connected} onClick={() => void sync()} /> : null}
      </ButtonRow>
      <ResultLine result={result} testId="github-result" onClose={() => setResult(null)} />
      <Section title="Webhook">
        <Text variant="sm" color="grey60" mb="default">
          In the repository on GitHub: Settings → Webhooks → Add webhook. Payload URL below, content type <code>application/json</code>, the secret below, and the “Issues” event.
        </Text>
        <Field id="github-webhook-url" label="Payload URL">
          <CopyValue testId="github-webhook-url" value={status?.webhook_url ?? null} placeholder="available after saving" />
        </Field>
        <Field id="github-secret" label="Secret">
          <WebhookSecret hasSecret={Boolean(status?.has_webhook_secret)} onRotated={() => void reload()} />
        </Field>
      </Section>
      {!isAdmin ? (
        <Text variant="xs" color="grey60"><Icon icon="Info" size={12} /> A full sync of open issues is run by an administrator; new and changed issues arrive through the webhook.</Text>
      ) : null}
    </Card>
  );
};

export default GitHubCard;
