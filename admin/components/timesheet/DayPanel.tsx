// A day of the timesheet, opened from a cell (that row's entries) or a day heading (all of the
// day's entries): each entry with its times and its share of the day, Edit and Delete, and an
// inline form to add one on that day. Results and refusals are shown here.
import React, { useState } from 'react';
import { Badge, Box, Button, H4, Text } from '@adminjs/design-system';
import { apiDelete, messageOf } from '../connectors/api.js';
import { ActionButton, ResultLine, type Result } from '../connectors/ui.js';
import { hm, taskLabel } from '../format.js';
import { EntryForm, type EntryDraft } from './EntryForm.js';
import { clock, longDay, sameRow, wallClock, type Week, type WeekEntry } from './week.js';
import type { Selection } from './WeekGrid.js';

type Props = {
  week: Week;
  selection: Selection;
  projects: Array<{ id: number; name: string }>;
  /** Seconds the running entry has run since the week was loaded. */
  liveSeconds: number;
  onChanged: () => Promise<void>;
  onClose: () => void;
};

/** "09:00 – 10:30", with weekdays when the entry crosses midnight; "09:00 – now" while running. */
function span(e: WeekEntry, tz: string): string {
  const start = wallClock(e.start_time, tz);
  if (!e.end_time) return `${clock(e.start_time, tz)} – now`;
  const end = wallClock(e.end_time, tz);
  if (start.slice(0, 10) === end.slice(0, 10)) return `${start.slice(11)} – ${end.slice(11)}`;
  const wd = (local: string) => new Date(`${local.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' });
  return `${wd(start)} ${start.slice(11)} – ${wd(end)} ${end.slice(11)}`;
}

export const DayPanel: React.FC<Props> = ({ week, selection, projects, liveSeconds, onChanged, onClose }) => {
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const tz = week.timezone;
  const date = week.days[selection.day];
  const row = selection.row ? week.rows.find((r) => sameRow(r, selection.row!)) : undefined;
  const label = (e: { project_id: number; task_id: number | null }) => {
    const r = week.rows.find((x) => sameRow(x, e));
    return r ? `${r.project_name}${r.task_name ? ` · ${taskLabel({ name: r.task_name, external_ref: r.external_ref })}` : ''}` : '';
  };
  const entries = week.entries.filter((e) => (!selection.row || sameRow(e, selection.row)) && (e.days[selection.day] > 0 || wallClock(e.start_time, tz).startsWith(date)));

  const done = async (text: string) => {
    setEditing(null);
    setResult({ kind: 'success', text });
    await onChanged();
  };
  const remove = async (e: WeekEntry) => {
    setBusy(e.id);
    setResult(null);
    const res = await apiDelete(`/api/time-entries/${e.id}`);
    setBusy(null);
    setConfirming(null);
    if (!res.ok) return setResult({ kind: 'error', text: `Could not delete the entry: ${messageOf(res, `HTTP ${res.status}`)}` });
    await done('Entry deleted.');
  };
  const draftOf = (e: WeekEntry): EntryDraft => ({
    project_id: String(e.project_id), task_id: e.task_id ? String(e.task_id) : '', notes: e.notes ?? '',
    start: wallClock(e.start_time, tz), end: e.end_time ? wallClock(e.end_time, tz) : '',
  });
  const fallbackProject = selection.row?.project_id ?? projects[0]?.id;
  const newDraft: EntryDraft = {
    project_id: fallbackProject ? String(fallbackProject) : '', task_id: selection.row?.task_id ? String(selection.row.task_id) : '',
    start: `${date}T09:00`, end: `${date}T10:00`, notes: '',
  };

  return (
    <Box variant="card" mt="xl" style={{ borderRadius: 8 }} data-testid="timesheet-day">
      <Box flex flexDirection="row" justifyContent="space-between" alignItems="baseline" mb="lg">
        <Box>
          <H4 marginTop="0px" marginBottom="sm" data-testid="timesheet-day-title">{longDay(date)}</H4>
          <Text color="grey60">{row ? label(row) : selection.row ? 'No time left on this task this week' : 'All projects'}</Text>
        </Box>
        <Button type="button" variant="text" size="sm" data-testid="timesheet-day-close" onClick={onClose}>Close</Button>
      </Box>
      {entries.length === 0 ? <Text color="grey60" mb="lg" data-testid="timesheet-day-empty">No entries on this day{row ? ' for this task' : ''} yet.</Text> : null}
      {entries.map((e) =>
        editing === e.id ? (
          <EntryForm key={e.id} testId={`timesheet-edit-${e.id}`} timeZone={tz} initial={draftOf(e)} entry={e} projects={projects} onSaved={(t) => void done(t)} onCancel={() => setEditing(null)} />
        ) : (
          <Box key={e.id} flex flexDirection="row" alignItems="center" flexWrap="wrap" py="default" style={{ gap: 12, borderBottom: '1px solid #EEEEEF' }} data-testid={`timesheet-entry-${e.id}`}>
            <Text style={{ fontVariantNumeric: 'tabular-nums', minWidth: 150, whiteSpace: 'nowrap' }}>{span(e, tz)}</Text>
            <Text fontWeight="bold" style={{ fontVariantNumeric: 'tabular-nums', minWidth: 48, textAlign: 'right' }} data-testid={`timesheet-entry-${e.id}-duration`}>
              {hm(e.days[selection.day] + (e.running && week.running?.day === selection.day ? liveSeconds : 0))}
            </Text>
            <Box style={{ flex: '1 1 200px', minWidth: 0 }}>
              {row ? null : <Text variant="sm" fontWeight="bold">{label(e)}</Text>}
              <Text color={e.notes ? 'grey100' : 'grey40'} data-testid={`timesheet-entry-${e.id}-notes`}>{e.notes || 'No notes'}</Text>
            </Box>
            {e.running ? <Badge size="sm" variant="success">running</Badge> : null}
            {e.billable ? <Badge size="sm" variant="info" outline>billable</Badge> : null}
            {confirming === e.id ? (
              <>
                <ActionButton testId={`timesheet-entry-${e.id}-confirm`} label="Delete this entry" busyLabel="Deleting…" danger primary busy={busy === e.id} onClick={() => void remove(e)} />
                <Button type="button" variant="text" size="sm" onClick={() => setConfirming(null)}>Keep</Button>
              </>
            ) : (
              <>
                <Button type="button" variant="outlined" size="sm" data-testid={`timesheet-entry-${e.id}-edit`} onClick={() => (setEditing(e.id), setResult(null))}>Edit</Button>
                <Button type="button" variant="outlined" size="sm" color="danger" data-testid={`timesheet-entry-${e.id}-delete`} onClick={() => (setConfirming(e.id), setResult(null))}>Delete</Button>
              </>
            )}
          </Box>
        ),
      )}
      <Box mt="lg">
        {editing === 'new' ? (
          <EntryForm key={`new-${date}`} testId="timesheet-add" timeZone={tz} initial={newDraft} projects={projects} onSaved={(t) => void done(t)} onCancel={() => setEditing(null)} />
        ) : (
          <Button type="button" variant="outlined" data-testid="timesheet-add-open" onClick={() => (setEditing('new'), setResult(null))}>Add entry on {longDay(date).split(',')[0]}</Button>
        )}
      </Box>
      <ResultLine result={result} testId="timesheet-day-result" onClose={() => setResult(null)} />
    </Box>
  );
};
