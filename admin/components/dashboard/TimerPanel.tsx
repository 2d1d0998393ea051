// The dashboard's timer: start one (project, task, notes, billable), watch it run, stop it, switch
// to other work in one step, or continue one of the last five project/task pairs. It follows a
// timer started or stopped elsewhere (Slack, GitHub, another tab) by polling the status every 5 s
// while the page is visible, and shows when a timer was stopped automatically (AutoStopBanner).
// Everything goes through the JSON API (docs/api/REST_API.md, Timer).
import React, { useCallback, useEffect, useRef, useState } from 'react';
import { Badge, Box, Button, H4, Icon, Text } from '@adminjs/design-system';
import { apiGet, apiPost, messageOf, type ApiAnswer } from '../connectors/api.js';
import { ActionButton, ButtonRow, CheckField, Field, ResultLine, SelectField, TextField, type Result } from '../connectors/ui.js';
import { hm, hms, taskLabel } from '../format.js';
import { AutoStopBanner } from './AutoStopBanner.js';
import { useElapsed, useTimerStatus, type RunningEntry } from './timerStatus.js';

interface ProjectChoice { id: number; name: string; billable: boolean }
interface TaskChoice { id: number; name: string; status: string; external_ref: string | null }
interface RecentPair { project_id: number; project_name: string; task_id: number | null; task_name: string | null; task_external_ref?: string | null; last_used_at: string }
type EntryAnswer = { entry?: { duration_seconds?: number | null; project_id?: number } };

const FIELDS = ['project_id', 'task_id', 'notes', 'billable'] as const;
type FieldName = (typeof FIELDS)[number];

const pairLabel = (p: { project_name: string | null; task_name: string | null; task_external_ref?: string | null }) =>
  `${p.project_name ?? 'Project'}${p.task_name ? ` · ${taskLabel({ name: p.task_name, external_ref: p.task_external_ref })}` : ''}`;

/** A refused write: its `fields` (shown next to the fields) or one message (shown under the buttons). */
function refusal(res: ApiAnswer<unknown>, verb: string): { fields: Partial<Record<FieldName, string>>; result: Result | null } {
  const fields: Partial<Record<FieldName, string>> = {};
  for (const [k, v] of Object.entries(res.body.fields ?? {})) if ((FIELDS as readonly string[]).includes(k)) fields[k as FieldName] = v;
  const own = Object.keys(fields).length;
  if (own && own === Object.keys(res.body.fields ?? {}).length) return { fields, result: { kind: 'error', text: 'Correct the highlighted field and try again.' } };
  // The API's 403 says only "Forbidden" (its contract); here the one cause is a project taken away.
  const why = res.status === 403 ? 'you are no longer a member of this project. Choose another one, or ask an admin to add you.' : messageOf(res, `HTTP ${res.status}`);
  return { fields, result: { kind: 'error', text: `Could not ${verb} the timer: ${why}` } };
}

export const TimerPanel: React.FC<{ onChanged: () => void }> = ({ onChanged }) => {
  const { timer, loadError, reload } = useTimerStatus();
  const entry = timer?.active && timer.entry ? timer.entry : null;
  const elapsed = useElapsed(entry);

  const [projects, setProjects] = useState<ProjectChoice[] | null>(null);
  const [recent, setRecent] = useState<RecentPair[]>([]);
  const [tasks, setTasks] = useState<TaskChoice[] | null>(null);
  const [taskError, setTaskError] = useState<string | null>(null);
  const [projectId, setProjectId] = useState('');
  const [taskId, setTaskId] = useState('');
  const [notes, setNotes] = useState('');
  const [billable, setBillable] = useState(true);
  const [switching, setSwitching] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});

  const loadChoices = useCallback(async () => {
    const [p, r] = await Promise.all([
      apiGet<{ projects: ProjectChoice[] }>('/api/projects?status=active&order=recent'),
      apiGet<{ recent: RecentPair[] }>('/api/timer/recent'),
    ]);
    setProjects(p.ok && Array.isArray(p.body.projects) ? p.body.projects : []);
    setRecent(r.ok && Array.isArray(r.body.recent) ? r.body.recent : []);
    if (!p.ok) setResult({ kind: 'error', text: messageOf(p, 'Could not load your projects') });
  }, []);

  // Whenever the running entry changes — here, in another tab, from Slack or GitHub — the
  // "recent" lists and the Today panel are out of date.
  const runningId = timer === null ? undefined : (entry?.id ?? null);
  const seenId = useRef<number | null | undefined>(undefined);
  useEffect(() => {
    if (runningId === undefined) return;
    const first = seenId.current === undefined;
    if (!first && seenId.current === runningId) return;
    seenId.current = runningId;
    void loadChoices();
    if (!first) onChanged();
  }, [runningId, loadChoices, onChanged]);

  // The most recently used project is the first choice.
  useEffect(() => {
    if (projects && projects.length && !projects.some((p) => String(p.id) === projectId)) chooseProject(String(projects[0].id), projects);
  }, [projects]);

  // The chosen project's open tasks.
  useEffect(() => {
    setTasks(null);
    setTaskError(null);
    if (!projectId) return undefined;
    let live = true;
    void apiGet<{ tasks: TaskChoice[] }>(`/api/tasks?project_id=${encodeURIComponent(projectId)}`).then((res) => {
      if (!live) return;
      if (res.ok && Array.isArray(res.body.tasks)) setTasks(res.body.tasks.filter((t) => t.status !== 'done' && t.status !== 'cancelled'));
      else {
        setTasks([]);
        setTaskError(`Tasks could not be loaded: ${messageOf(res, `HTTP ${res.status}`)}`);
      }
    });
    return () => {
      live = false;
    };
  }, [projectId]);

  function chooseProject(id: string, list = projects ?? []) {
    setProjectId(id);
    setTaskId('');
    const p = list.find((x) => String(x.id) === id);
    if (p) setBillable(p.billable);
    setFieldErrors((f) => ({ ...f, project_id: undefined, task_id: undefined, billable: undefined }));
  }

  /** Runs one action at a time; then the status again (which refreshes the rest when it changed). */
  const act = async (key: string, fn: () => Promise<Result | null>) => {
    setBusy(key);
    setResult(null);
    try {
      setResult(await fn());
    } finally {
      setBusy(null);
      await reload();
    }
  };

  const startOrSwitch = (body: { project_id: number; task_id: number | null; notes?: string | null; billable?: boolean }, label: string, key: string) =>
    act(key, async () => {
      const url = entry ? '/api/timer/switch' : '/api/timer/start';
      const res = await apiPost<EntryAnswer & { stopped?: { duration_seconds?: number | null; project_id?: number } | null }>(url, body);
      if (!res.ok) {
        const r = refusal(res, entry ? 'switch' : 'start');
        setFieldErrors(r.fields);
        return r.result;
      }
      setFieldErrors({});
      setSwitching(false);
      setNotes('');
      const stopped = res.body.stopped;
      return {
        kind: 'success',
        text: stopped ? `Switched to ${label}; the previous timer stopped after ${hm(stopped.duration_seconds ?? 0)}.` : `Timer started on ${label}.`,
      };
    });

  const submit = () => {
    if (!projectId) {
      setFieldErrors({ project_id: 'is required' });
      return;
    }
    const project = projects?.find((p) => String(p.id) === projectId);
    const task = tasks?.find((t) => String(t.id) === taskId);
    void startOrSwitch(
      { project_id: Number(projectId), task_id: taskId ? Number(taskId) : null, notes: notes.trim() ? notes.trim() : null, billable },
      pairLabel({ project_name: project?.name ?? null, task_name: task ? taskLabel(task) : null }),
      entry ? 'switch' : 'start',
    );
  };

  const stop = () =>
    act('stop', async () => {
      const res = await apiPost<EntryAnswer>('/api/timer/stop');
      return res.ok
        ? { kind: 'success', text: `Timer stopped after ${hm(res.body.entry?.duration_seconds ?? 0)}.` }
        : { kind: 'error', text: `Could not stop the timer: ${messageOf(res, `HTTP ${res.status}`)}` };
    });

  const continuePairs = recent.filter((r) => !(entry && r.project_id === entry.project_id && (r.task_id ?? null) === (entry.task_id ?? null)));
  const showForm = !entry || switching;

  const form = (
    <Box data-testid="dashboard-timer-form" mt={entry ? 'lg' : undefined} pt={entry ? 'lg' : undefined} style={entry ? { borderTop: '1px solid #EEEEEF' } : undefined}>
      {projects !== null && projects.length === 0 ? (
        <Text variant="sm" color="grey60" mb="default" data-testid="dashboard-timer-no-projects">
          You are not a member of any active project yet. Ask an admin to add you to one.
        </Text>
      ) : null}
      <Box flex flexDirection="row" flexWrap="wrap" style={{ columnGap: 16 }}>
        <Box flexGrow={1} style={{ flex: '1 1 200px' }}>
          <Field id="timer-project" label="Project" error={fieldErrors.project_id} required>
            <SelectField id="timer-project" value={projectId} onChange={(v) => chooseProject(v)}
              options={(projects ?? []).map((p) => ({ value: String(p.id), label: p.name }))}
              placeholder={projects === null ? 'Loading…' : projects.length ? 'Choose a project…' : 'No active projects'} />
          </Field>
        </Box>
        <Box flexGrow={1} style={{ flex: '1 1 200px' }}>
          <Field id="timer-task" label="Task" error={fieldErrors.task_id ?? taskError}
            hint={projectId && tasks !== null && tasks.length === 0 ? 'This project has no open tasks.' : undefined}>
            <SelectField id="timer-task" value={taskId} onChange={(v) => { setTaskId(v); setFieldErrors((f) => ({ ...f, task_id: undefined })); }}
              options={(tasks ?? []).map((t) => ({ value: String(t.id), label: taskLabel(t) }))} placeholder={projectId && tasks === null ? 'Loading tasks…' : 'No task'} />
          </Field>
        </Box>
      </Box>
      <Field id="timer-notes" label="Notes" error={fieldErrors.notes}>
        <TextField id="timer-notes" value={notes} onChange={(v) => { setNotes(v); setFieldErrors((f) => ({ ...f, notes: undefined })); }} placeholder="What are you working on? (optional)" />
      </Field>
      <CheckField id="timer-billable" label="Billable" checked={billable} onChange={setBillable} />
      {fieldErrors.billable ? <Text variant="xs" color="error" mb="lg" data-testid="timer-billable-error">{fieldErrors.billable}</Text> : null}
      <ButtonRow>
        {entry ? (
          <>
            <ActionButton testId="dashboard-timer-switch" label="Switch" busyLabel="Switching…" icon="Repeat" primary busy={busy === 'switch'} disabled={busy !== null || !projectId} onClick={submit} />
            <Button type="button" variant="text" data-testid="dashboard-timer-switch-cancel" disabled={busy !== null} onClick={() => { setSwitching(false); setFieldErrors({}); }}>Cancel</Button>
          </>
        ) : (
          <ActionButton testId="dashboard-timer-start" label="Start" busyLabel="Starting…" icon="Play" primary busy={busy === 'start'} disabled={busy !== null || !projectId} onClick={submit} />
        )}
      </ButtonRow>
    </Box>
  );

  return (
    <Box variant="card" data-testid="dashboard-timer" style={{ borderRadius: 8, flex: '2 1 460px', minWidth: 300 }}>
      <Box flex flexDirection="row" justifyContent="space-between" alignItems="center" mb="lg">
        <H4 marginTop="0px" marginBottom="0px">Timer</H4>
        {entry ? <Badge variant="success" size="sm" data-testid="dashboard-timer-state">Running</Badge> : timer ? <Badge variant="light" size="sm" data-testid="dashboard-timer-state">Not running</Badge> : null}
      </Box>
      {loadError ? <Text variant="sm" color="error" mb="default" data-testid="dashboard-timer-load-error">{loadError}</Text> : null}
      {timer?.auto_stopped_entry ? <AutoStopBanner key={timer.auto_stopped_entry.id} entry={timer.auto_stopped_entry} onDismissed={() => void reload()} /> : null}
      {timer === null ? <Text color="grey60">Loading…</Text> : entry ? (
        <Box data-testid="dashboard-timer-running">
          <Text fontSize="h2" lineHeight="xl" fontWeight="bold" mb="sm" data-testid="dashboard-timer-elapsed" style={{ fontVariantNumeric: 'tabular-nums' }}>{hms(elapsed)}</Text>
          <Text mb="sm" data-testid="dashboard-timer-project">
            <strong>{entry.project_name ?? 'Project'}</strong>
            {entry.task_name ? <span data-testid="dashboard-timer-task">{` — ${entry.task_name}`}</span> : null}
            {entry.billable ? <Badge ml="default" size="sm" variant="info" outline>billable</Badge> : null}
          </Text>
          {entry.notes ? <Text variant="sm" color="grey60" mb="sm" data-testid="dashboard-timer-notes">{entry.notes}</Text> : null}
          {!switching ? (
            <ButtonRow>
              <ActionButton testId="dashboard-timer-stop" label="Stop" busyLabel="Stopping…" icon="Square" primary danger busy={busy === 'stop'} disabled={busy !== null} onClick={() => void stop()} />
              <ActionButton testId="dashboard-timer-switch-open" label="Switch…" busyLabel="Switching…" icon="Repeat" busy={false} disabled={busy !== null}
                onClick={() => { setSwitching(true); setResult(null); }} />
            </ButtonRow>
          ) : null}
        </Box>
      ) : (
        <Text mb="lg" color="grey60" data-testid="dashboard-timer-none">No timer running. Start one here, with <code>/tt start</code> in Slack or through the API.</Text>
      )}
      {timer !== null && showForm ? form : null}
      <ResultLine result={result} testId="dashboard-timer-result" onClose={() => setResult(null)} />
      {timer !== null && continuePairs.length ? (
        <Box mt="lg" pt="lg" style={{ borderTop: '1px solid #EEEEEF' }} data-testid="dashboard-timer-recent">
          <Text variant="sm" fontWeight="bold" mb="default">{entry ? 'Switch to recent work' : 'Continue recent work'}</Text>
          <Box flex flexDirection="row" flexWrap="wrap" style={{ gap: 8 }}>
            {continuePairs.map((r, i) => (
              <Button key={`${r.project_id}-${r.task_id ?? 0}`} type="button" size="sm" variant="outlined" data-testid={`dashboard-timer-continue-${i}`}
                data-project-id={r.project_id} data-task-id={r.task_id ?? ''} disabled={busy !== null} title={`Last used ${new Date(r.last_used_at).toLocaleString()}`}
                onClick={() => void startOrSwitch({ project_id: r.project_id, task_id: r.task_id }, pairLabel(r), `continue-${i}`)}>
                <Icon icon={busy === `continue-${i}` ? 'Loader' : 'Play'} spin={busy === `continue-${i}`} />
                {pairLabel(r)}
              </Button>
            ))}
          </Box>
        </Box>
      ) : null}
    </Box>
  );
};
