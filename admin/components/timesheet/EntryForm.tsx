// One form for a time entry on the timesheet: adding one (project, task, start, end, notes:
// POST /api/time-entries) or editing one (start, end, notes: PATCH /api/time-entries/:id). Times
// are wall-clock times in the user's time zone; a running entry keeps its open end.
import React, { useEffect, useState } from 'react';
import { Box, Button, Input } from '@adminjs/design-system';
import { apiGet, apiPatch, apiPost, messageOf } from '../connectors/api.js';
import { useActions, useFieldErrors } from '../connectors/hooks.js';
import { ActionButton, ButtonRow, Field, ProjectSelect, ResultLine, SelectField, TextField } from '../connectors/ui.js';
import { taskLabel } from '../format.js';
import { zonedInstant, type WeekEntry } from './week.js';

const FIELDS = ['project_id', 'task_id', 'start_time', 'end_time', 'notes'] as const;
interface TaskChoice { id: number; name: string; status: string; external_ref: string | null }

export interface EntryDraft {
  project_id: string;
  task_id: string;
  /** `YYYY-MM-DDTHH:MM` in the user's time zone. */
  start: string;
  end: string;
  notes: string;
}

type Props = {
  testId: string;
  timeZone: string;
  initial: EntryDraft;
  /** The entry being edited; absent: a new entry. */
  entry?: WeekEntry;
  projects: Array<{ id: number; name: string }>;
  onSaved: (text: string) => void;
  onCancel: () => void;
};

/** The chosen project's open tasks (plus the chosen one, even when it is done). */
function useTasks(projectId: string, keep: string): { tasks: TaskChoice[] | null; error: string | null } {
  const [state, setState] = useState<{ tasks: TaskChoice[] | null; error: string | null }>({ tasks: null, error: null });
  useEffect(() => {
    setState({ tasks: null, error: null });
    if (!projectId) return undefined;
    let live = true;
    void apiGet<{ tasks: TaskChoice[] }>(`/api/tasks?project_id=${encodeURIComponent(projectId)}`).then((res) => {
      if (!live) return;
      if (res.ok && Array.isArray(res.body.tasks)) setState({ tasks: res.body.tasks.filter((t) => String(t.id) === keep || (t.status !== 'done' && t.status !== 'cancelled')), error: null });
      else setState({ tasks: [], error: `Tasks could not be loaded: ${messageOf(res, `HTTP ${res.status}`)}` });
    });
    return () => {
      live = false;
    };
  }, [projectId]);
  return state;
}

/** The API names fields (`end_time: must not be before start_time`); the form says "the start". */
const human = (reason: string | undefined) => reason?.replace(/\bstart_time\b/g, 'the start').replace(/\bend_time\b/g, 'the end');

export const EntryForm: React.FC<Props> = ({ testId, timeZone, initial, entry, projects, onSaved, onCancel }) => {
  const [draft, setDraft] = useState(initial);
  const { busy, result, run } = useActions();
  const { errors, fromAnswer } = useFieldErrors(FIELDS);
  const { tasks, error: taskError } = useTasks(entry ? '' : draft.project_id, initial.task_id);
  const set = (patch: Partial<EntryDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const running = entry?.running ?? false;
  const id = (name: string) => `${testId}-${name}`;

  const save = () =>
    run('save', async () => {
      const body: Record<string, unknown> = {
        start_time: zonedInstant(draft.start, timeZone) ?? draft.start,
        notes: draft.notes.trim() ? draft.notes.trim() : null,
      };
      if (!running) body.end_time = zonedInstant(draft.end, timeZone) ?? draft.end;
      if (!entry) Object.assign(body, { project_id: Number(draft.project_id) || draft.project_id, task_id: draft.task_id ? Number(draft.task_id) : null });
      const res = entry ? await apiPatch(`/api/time-entries/${entry.id}`, body) : await apiPost('/api/time-entries', body);
      if (!res.ok) return fromAnswer(res, `Could not ${entry ? 'save the entry' : 'add the entry'}`);
      onSaved(entry ? 'Entry saved.' : 'Entry added.');
      return null;
    });

  return (
    <Box data-testid={testId} p="lg" mb="default" style={{ background: '#F6F7FB', borderRadius: 6 }}>
      {entry ? null : (
        <Box flex flexDirection="row" flexWrap="wrap" style={{ columnGap: 16 }}>
          <Box style={{ flex: '1 1 200px' }}>
            <Field id={id('project')} label="Project" error={errors.project_id} required>
              <ProjectSelect id={id('project')} value={draft.project_id} onChange={(v) => set({ project_id: v, task_id: '' })} projects={projects} />
            </Field>
          </Box>
          <Box style={{ flex: '1 1 200px' }}>
            <Field id={id('task')} label="Task" error={errors.task_id ?? taskError}>
              <SelectField id={id('task')} value={draft.task_id} onChange={(v) => set({ task_id: v })}
                options={(tasks ?? []).map((t) => ({ value: String(t.id), label: taskLabel(t) }))} placeholder={draft.project_id && tasks === null ? 'Loading tasks…' : 'No task'} />
            </Field>
          </Box>
        </Box>
      )}
      <Box flex flexDirection="row" flexWrap="wrap" style={{ columnGap: 16 }}>
        <Box style={{ flex: '1 1 200px' }}>
          <Field id={id('start')} label="Start" error={human(errors.start_time)} required>
            <TextField id={id('start')} type="datetime-local" value={draft.start} onChange={(v) => set({ start: v })} />
          </Field>
        </Box>
        <Box style={{ flex: '1 1 200px' }}>
          <Field id={id('end')} label="End" error={human(errors.end_time)} required={!running} hint={running ? 'Still running: stop the timer on the Dashboard.' : undefined}>
            {running ? <Input id={id('end')} width={1} value="Running" disabled /> : <TextField id={id('end')} type="datetime-local" value={draft.end} onChange={(v) => set({ end: v })} />}
          </Field>
        </Box>
      </Box>
      <Field id={id('notes')} label="Notes" error={errors.notes}>
        <TextField id={id('notes')} value={draft.notes} onChange={(v) => set({ notes: v })} placeholder="What did you work on? (optional)" />
      </Field>
      <ButtonRow>
        <ActionButton testId={id('save')} label={entry ? 'Save' : 'Add entry'} busyLabel="Saving…" icon={entry ? 'Save' : 'Plus'} primary busy={busy === 'save'} onClick={() => void save()} />
        <Button type="button" variant="text" data-testid={id('cancel')} disabled={busy !== null} onClick={onCancel}>Cancel</Button>
      </ButtonRow>
      <ResultLine result={result} testId={id('result')} />
    </Box>
  );
};
