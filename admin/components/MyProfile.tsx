// "My profile" page (/admin/pages/my-profile): every user edits their own full name, time zone,
// GitHub username and runaway-timer hours (reminder, auto-stop) through GET/PATCH /api/me. The Users resource stays admin-only, so no one can
// reach another user's record (or their own role) from here.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, H2, Text } from '@adminjs/design-system';
import { apiGet, apiPatch, type Me } from './connectors/api.js';
import { useActions, useFieldErrors } from './connectors/hooks.js';
import { ActionButton, ButtonRow, Field, FieldGrid, ResultLine, SelectField, TextField } from './connectors/ui.js';

const FIELDS = ['full_name', 'timezone', 'github_username', 'remind_after_hours', 'auto_stop_after_hours'] as const;

/** A number field's text as a number, or as typed so the server names the problem. */
const hoursOf = (v: string): number | string => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

function timeZones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...zones])].filter(Boolean);
}

const MyProfile: React.FC = () => {
  const [me, setMe] = useState<Me | null>(null);
  const [form, setForm] = useState({ full_name: '', timezone: 'UTC', github_username: '', remind_after_hours: '4', auto_stop_after_hours: '10' });
  const { busy, result, run } = useActions();
  const { errors, clear, fromAnswer } = useFieldErrors(FIELDS);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    void apiGet<{ user: Me }>('/api/me').then((res) => {
      if (!res.ok) return;
      setMe(res.body.user);
      const u = res.body.user;
      setForm({
        full_name: u.full_name ?? '',
        timezone: u.timezone,
        github_username: u.github_username ?? '',
        remind_after_hours: String(u.remind_after_hours),
        auto_stop_after_hours: String(u.auto_stop_after_hours),
      });
    });
  }, []);
  const zones = useMemo(() => timeZones(form.timezone).map((z) => ({ value: z, label: z.replace(/_/g, ' ') })), [form.timezone]);

  const save = () =>
    run('save', async () => {
      const res = await apiPatch<{ user: Me }>('/api/me', {
        full_name: form.full_name.trim() || null,
        timezone: form.timezone,
        github_username: form.github_username.trim() || null,
        remind_after_hours: hoursOf(form.remind_after_hours),
        auto_stop_after_hours: hoursOf(form.auto_stop_after_hours),
      });
      if (!res.ok) return fromAnswer(res, 'Could not save your profile');
      clear();
      setMe(res.body.user);
      return { kind: 'success', text: 'Profile saved.' };
    });

  return (
    <Box variant="grey" data-testid="my-profile">
      <Box mb="xl" style={{ maxWidth: 960 }}>
        <H2 marginTop="lg" marginBottom="sm">My profile</H2>
        <Text color="grey60">Your name, time zone, GitHub username and when a forgotten timer is flagged. The time zone decides what “today” means for summaries and when the Slack daily summary is posted.</Text>
      </Box>
      <Box variant="card" style={{ borderRadius: 8, maxWidth: 960 }}>
        {me ? (
          <Text mb="xl" color="grey80" data-testid="my-profile-account">
            Signed in as <strong>{me.username}</strong> ({me.email}) · role: {me.role}
          </Text>
        ) : null}
        <FieldGrid>
          <Field id="full_name" label="Full name" error={errors.full_name} hint="Shown in Slack notifications; your username is used when blank.">
            <TextField id="full_name" value={form.full_name} onChange={(v) => set({ full_name: v })} />
          </Field>
          <Field id="timezone" label="Time zone" error={errors.timezone}>
            <SelectField id="timezone" value={form.timezone} onChange={(v) => set({ timezone: v })} options={zones} />
          </Field>
          <Field id="github_username" label="GitHub username" error={errors.github_username} hint="Issues assigned to this login can start your timer.">
            <TextField id="github_username" value={form.github_username} onChange={(v) => set({ github_username: v })} placeholder="octocat" />
          </Field>
          <Field id="remind_after_hours" label="Remind me after (hours)" error={errors.remind_after_hours}
            hint="A running timer this old gets a “Still working?” Slack message (with your Slack connector). Must be below the auto-stop hours.">
            <TextField id="remind_after_hours" type="number" min={1} max={72} value={form.remind_after_hours} onChange={(v) => set({ remind_after_hours: v })} />
          </Field>
          <Field id="auto_stop_after_hours" label="Stop timers automatically after (hours)" error={errors.auto_stop_after_hours}
            hint="A timer still running this long is stopped at exactly that many hours. 0 = never.">
            <TextField id="auto_stop_after_hours" type="number" min={0} max={72} value={form.auto_stop_after_hours} onChange={(v) => set({ auto_stop_after_hours: v })} />
          </Field>
        </FieldGrid>
        <ButtonRow>
          <ActionButton testId="my-profile-save" label="Save" busyLabel="Saving…" icon="Save" primary busy={busy === 'save'} disabled={!me} onClick={() => void save()} />
        </ButtonRow>
        <ResultLine result={result} testId="my-profile-result" />
      </Box>
    </Box>
  );
};

export default MyProfile;
