// Google Calendar card (docs/integrations/GOOGLE_CALENDAR.md): Connect / Reconnect through OAuth (the callback returns here
// with ?google=connected or ?google_error=...), direction, default project, days back, calendar
// id, Save / Test / Sync now / Disconnect.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, MessageBox, Text } from '@adminjs/design-system';
import { apiPost, messageOf, type ProjectOption } from './api.js';
import { useActions, useFieldErrors, useStatus } from './hooks.js';
import {
  ActionButton, ButtonRow, Card, Field, FieldGrid, healthOf, ProjectSelect, ResultLine, SelectField, SyncLine, TextField,
  type Result, type SyncInfo,
} from './ui.js';

interface GoogleStatus extends SyncInfo {
  id?: number | null;
  email?: string | null;
  calendar_id?: string | null;
  sync_direction?: 'import' | 'export' | 'both' | null;
  default_project_id?: number | null;
  sync_days_back?: number | null;
  oauth_configured?: boolean;
}

const FIELDS = ['calendar_id', 'sync_direction', 'default_project_id', 'sync_days_back'] as const;
const DIRECTIONS = [
  { value: 'import', label: 'Import events as time entries' },
  { value: 'export', label: 'Export time entries as events' },
  { value: 'both', label: 'Both directions' },
];

/** The message the OAuth callback left in the page URL, if any. */
export function oauthFlash(search: string): Result | null {
  const q = new URLSearchParams(search);
  if (q.get('google_error')) return { kind: 'error', text: `Google Calendar was not connected: ${q.get('google_error')}` };
  if (q.get('google') === 'connected') return { kind: 'success', text: 'Google Calendar connected.' };
  return null;
}

function syncSummary(body: Record<string, unknown>): string {
  const errors = Array.isArray(body.errors) ? body.errors.length : 0;
  const n = (k: string) => Number(body[k] ?? 0);
  return `Sync finished: ${n('imported')} imported, ${n('exported')} exported, ${n('skipped')} skipped${errors ? `, ${errors} error(s)` : ''}.`;
}

const GoogleCard: React.FC<{ projects: ProjectOption[]; search: string }> = ({ projects, search }) => {
  const flash = useMemo(() => oauthFlash(search), [search]);
  const { status, setStatus, loadError, reload, testConnection, syncNow } = useStatus<GoogleStatus>('google');
  const { busy, result, setResult, run } = useActions();
  const { errors, clear, fromAnswer } = useFieldErrors(FIELDS);
  const [form, setForm] = useState({ calendar_id: 'primary', sync_direction: 'import', default_project_id: '', sync_days_back: '7' });
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => setResult(flash), [flash, setResult]);
  useEffect(() => {
    if (!status) return;
    setForm({
      calendar_id: status.calendar_id || 'primary',
      sync_direction: status.sync_direction || 'import',
      default_project_id: status.default_project_id ? String(status.default_project_id) : '',
      sync_days_back: String(status.sync_days_back ?? 7),
    });
  }, [status]);

  const save = () =>
    run('save', async () => {
      const res = await apiPost<GoogleStatus>('/api/integrations/google/config', {
        calendar_id: form.calendar_id.trim() || 'primary',
        sync_direction: form.sync_direction,
        default_project_id: form.default_project_id ? Number(form.default_project_id) : null,
        sync_days_back: form.sync_days_back.trim() === '' ? null : Number(form.sync_days_back),
      });
      if (!res.ok) return fromAnswer(res, 'Could not save');
      clear();
      setStatus({ ...status, ...res.body });
      return { kind: 'success', text: 'Google Calendar settings saved.' };
    });

  const test = () => run('test', () => testConnection({ ok: 'Connection works', notConfigured: 'Connect Google Calendar first.', failed: 'Connection failed' }));
  const sync = () => run('sync', () => syncNow(undefined, syncSummary));

  const disconnect = () =>
    run('disconnect', async () => {
      const res = await apiPost('/integrations/google/disconnect');
      await reload();
      return res.ok
        ? { kind: 'success', text: `${messageOf(res, 'Google Calendar disconnected')}. Your preferences are kept.` }
        : { kind: 'error', text: messageOf(res, 'Could not disconnect') };
    });

  const connect = () => run('connect', async () => {
    window.location.assign('/integrations/google/connect');
    return { kind: 'info', text: 'Opening Google…' };
  });

  const health = healthOf(status, loadError, 'Test connection');
  const oauthReady = status?.oauth_configured !== false;
  const connected = Boolean(status?.connected);
  return (
    <Card testId="card-google" title="Google Calendar" icon="Calendar" health={health}
      intro="Imports finished calendar events as time entries and/or exports your time entries to your calendar. Syncs every 30 minutes, or now with Sync now.">
      {status ? <SyncLine status={status} testId="google" health={health} /> : null}
      {!oauthReady ? (
        <MessageBox mb="xl" size="sm" variant="warning" data-testid="google-oauth-missing"
          message="Google OAuth is not configured on this server. An administrator must set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET before anyone can connect a calendar." />
      ) : null}
      <Box flex flexDirection="row" alignItems="center" mb="xl" flexWrap="wrap" style={{ gap: 12 }}>
        {connected && !status?.needs_reconnect ? (
          <Text data-testid="google-account">Connected as <strong>{status?.email || 'your Google account'}</strong></Text>
        ) : (
          <>
            <ActionButton testId="google-connect" label={status?.needs_reconnect ? 'Reconnect Google Calendar' : 'Connect Google Calendar'} busyLabel="Opening Google…"
              icon="LogIn" primary busy={busy === 'connect'} disabled={!oauthReady || Boolean(busy)} onClick={() => void connect()} />
            <Text variant="sm" color="grey60">You will be asked to allow access to your calendar events and email address.</Text>
          </>
        )}
      </Box>
      <FieldGrid>
        <Field id="sync_direction" label="Sync direction" error={errors.sync_direction}>
          <SelectField id="sync_direction" value={form.sync_direction} onChange={(v) => set({ sync_direction: v })} options={DIRECTIONS} />
        </Field>
        <Field id="google_default_project_id" label="Default project" error={errors.default_project_id} hint="Imported events are logged to this project.">
          <ProjectSelect id="google_default_project_id" value={form.default_project_id} onChange={(v) => set({ default_project_id: v })} projects={projects} />
        </Field>
        <Field id="sync_days_back" label="Days back" error={errors.sync_days_back} hint="How far back to look, 1–30 days.">
          <TextField id="sync_days_back" type="number" min={1} max={30} value={form.sync_days_back} onChange={(v) => set({ sync_days_back: v })} />
        </Field>
        <Field id="calendar_id" label="Calendar ID" error={errors.calendar_id} hint='"primary" is your main calendar; others are listed under the calendar’s settings in Google.'>
          <TextField id="calendar_id" value={form.calendar_id} onChange={(v) => set({ calendar_id: v })} placeholder="primary" />
        </Field>
      </FieldGrid>
      <ButtonRow>
        <ActionButton testId="google-save" label="Save" busyLabel="Saving…" icon="Save" primary busy={busy === 'save'} disabled={Boolean(busy)} onClick={() => void save()} />
        <ActionButton testId="google-test" label="Test connection" busyLabel="Testing…" icon="Activity" busy={busy === 'test'} disabled={Boolean(busy) || !connected} onClick={() => void test()} />
        <ActionButton testId="google-sync" label="Sync now" busyLabel="Syncing…" icon="RefreshCw" busy={busy === 'sync'} disabled={Boolean(busy) || !connected} onClick={() => void sync()} />
        {connected || status?.needs_reconnect ? (
          <ActionButton testId="google-disconnect" label="Disconnect" busyLabel="Disconnecting…" icon="XCircle" danger busy={busy === 'disconnect'} disabled={Boolean(busy)} onClick={() => void disconnect()} />
        ) : null}
      </ButtonRow>
      <ResultLine result={result} testId="google-result" onClose={() => setResult(null)} />
    </Card>
  );
};

export default GoogleCard;
