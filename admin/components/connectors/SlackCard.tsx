// Slack card (docs/integrations/SLACK.md): bot token and signing secret (write-only), channel, notifications, daily
// summary and its time, the Slack user ID for /tt commands, the events URL, Save / Send test message.
import React, { useEffect, useState } from 'react';
import { Text } from '@adminjs/design-system';
import { apiPost } from './api.js';
import { useActions, useFieldErrors, useStatus } from './hooks.js';
import {
  ActionButton, ButtonRow, Card, CheckField, CopyValue, Field, FieldGrid, healthOf, ResultLine, SecretField, Section, SyncLine, TextField,
  type SyncInfo,
} from './ui.js';

interface SlackStatus extends SyncInfo {
  id?: number | null;
  channel_id?: string | null;
  notify_on_start?: boolean;
  notify_on_stop?: boolean;
  daily_summary?: boolean;
  daily_summary_time?: string | null;
  linked_slack_user_id?: string | null;
  has_signing_secret?: boolean;
  has_bot_token?: boolean;
  events_url?: string | null;
  interactions_url?: string | null;
}

const FIELDS = ['bot_token', 'signing_secret', 'channel_id', 'notify_on_start', 'notify_on_stop', 'daily_summary', 'daily_summary_time', 'linked_slack_user_id'] as const;

const SlackCard: React.FC = () => {
  const { status, setStatus, loadError, testConnection } = useStatus<SlackStatus>('slack');
  const { busy, result, setResult, run } = useActions();
  const { errors, clear, fromAnswer } = useFieldErrors(FIELDS);
  const [form, setForm] = useState({
    bot_token: '', signing_secret: '', channel_id: '', notify_on_start: true, notify_on_stop: true, daily_summary: false, daily_summary_time: '18:00', linked_slack_user_id: '',
  });
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    if (!status) return;
    setForm((f) => ({
      bot_token: f.bot_token,
      signing_secret: f.signing_secret,
      channel_id: status.channel_id ?? '',
      notify_on_start: status.notify_on_start ?? true,
      notify_on_stop: status.notify_on_stop ?? true,
      daily_summary: Boolean(status.daily_summary),
      daily_summary_time: status.daily_summary_time || '18:00',
      linked_slack_user_id: status.linked_slack_user_id ?? '',
    }));
  }, [status]);

  const save = () =>
    run('save', async () => {
      const body: Record<string, unknown> = {
        channel_id: form.channel_id.trim(),
        notify_on_start: form.notify_on_start,
        notify_on_stop: form.notify_on_stop,
        daily_summary: form.daily_summary,
        daily_summary_time: form.daily_summary_time.trim(),
        linked_slack_user_id: form.linked_slack_user_id.trim() || null,
      };
      if (form.bot_token.trim()) body.bot_token = form.bot_token.trim();
      if (form.signing_secret.trim()) body.signing_secret = form.signing_secret.trim();
      const res = await apiPost<SlackStatus>('/api/integrations/slack/config', body);
      if (!res.ok) return fromAnswer(res, 'Could not save');
      clear();
      set({ bot_token: '', signing_secret: '' });
      setStatus(res.body);
      return { kind: 'success', text: 'Slack settings saved.' };
    });

  const test = () =>
    run('test', () => testConnection({ ok: 'Test message sent', notConfigured: 'Save the configuration first.', failed: 'Slack did not accept the test message' }));

  const health = healthOf(status, loadError, 'Send test message');
  const hasBotToken = Boolean(status?.has_bot_token ?? status?.connected);
  return (
    <Card testId="card-slack" title="Slack" icon="Slack" health={health}
      intro="Posts to a channel when you start or stop a timer, sends an optional daily summary, and lets you run /tt start, stop, status and today from Slack.">
      {status ? <SyncLine status={status} testId="slack" health={health} /> : null}
      <FieldGrid>
        <SecretField id="bot_token" label="Bot token (xoxb-…)" isSet={hasBotToken} value={form.bot_token} onChange={(v) => set({ bot_token: v })} error={errors.bot_token} />
        <SecretField id="signing_secret" label="Signing secret" isSet={Boolean(status?.has_signing_secret)} value={form.signing_secret} onChange={(v) => set({ signing_secret: v })} error={errors.signing_secret} />
        <Field id="channel_id" label="Channel" error={errors.channel_id} hint="#channel-name or a channel ID such as C0123456789. Invite the bot to it.">
          <TextField id="channel_id" value={form.channel_id} onChange={(v) => set({ channel_id: v })} placeholder="#time-tracking" />
        </Field>
        <Field id="linked_slack_user_id" label="Your Slack user ID" error={errors.linked_slack_user_id} hint="U… or W…; Slack profile → ⋮ → Copy member ID. Needed for /tt commands.">
          <TextField id="linked_slack_user_id" value={form.linked_slack_user_id} onChange={(v) => set({ linked_slack_user_id: v })} placeholder="U0123456789" />
        </Field>
      </FieldGrid>
      <Section title="Notifications">
        <FieldGrid>
          <CheckField id="notify_on_start" label="Post when I start a timer" checked={form.notify_on_start} onChange={(v) => set({ notify_on_start: v })} />
          <CheckField id="notify_on_stop" label="Post when I stop a timer" checked={form.notify_on_stop} onChange={(v) => set({ notify_on_stop: v })} />
          <CheckField id="daily_summary" label="Post a daily summary" checked={form.daily_summary} onChange={(v) => set({ daily_summary: v })} hint="Once a day, in your time zone (My profile)." />
          <Field id="daily_summary_time" label="Daily summary time (HH:MM, 24 h)" error={errors.daily_summary_time}>
            <TextField id="daily_summary_time" value={form.daily_summary_time} onChange={(v) => set({ daily_summary_time: v })} placeholder="18:00" />
          </Field>
        </FieldGrid>
      </Section>
      <ButtonRow>
        <ActionButton testId="slack-save" label="Save" busyLabel="Saving…" icon="Save" primary busy={busy === 'save'} disabled={Boolean(busy)} onClick={() => void save()} />
        <ActionButton testId="slack-test" label="Send test message" busyLabel="Sending…" icon="Send" busy={busy === 'test'} disabled={Boolean(busy) || !status?.id} onClick={() => void test()} />
      </ButtonRow>
      <ResultLine result={result} testId="slack-result" onClose={() => setResult(null)} />
      <Section title="Events URL">
        <Text variant="sm" color="grey60" mb="default">
          Use this as the Request URL of the /tt slash command (and for Event Subscriptions) in your Slack app. The README has an app manifest.
        </Text>
        <CopyValue testId="slack-events-url" value={status?.events_url ?? null} placeholder="available once the Slack connector is enabled on this server" />
      </Section>
      <Section title="Interactivity URL">
        <Text variant="sm" color="grey60" mb="default">
          Use this as the Request URL under Interactivity &amp; Shortcuts in your Slack app, so the Stop, Start and Switch project buttons work.
        </Text>
        <CopyValue testId="slack-interactions-url" value={status?.interactions_url ?? null} placeholder="available once the Slack connector is enabled on this server" />
      </Section>
    </Card>
  );
};

export default SlackCard;
