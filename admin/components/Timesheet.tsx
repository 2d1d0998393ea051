// "Timesheet" page ({rootPath}/pages/timesheet): the logged-in user's week, Monday to Sunday in
// their time zone (GET /api/timesheet). Previous / this / next week; a click on a cell or a day
// opens that day's entries (timesheet/DayPanel.tsx) to edit, delete or add one. A running timer
// keeps counting in its cell.
import React, { useCallback, useEffect, useRef, useState } from 'react';
import { Box, Button, H2, Icon, Link, Text } from '@adminjs/design-system';
import { ViewHelpers } from 'adminjs';
import { apiGet, messageOf } from './connectors/api.js';
import { DayPanel } from './timesheet/DayPanel.js';
import { addDays, weekTitle, zoneName, type Week } from './timesheet/week.js';
import { WeekGrid, type Selection } from './timesheet/WeekGrid.js';

const h = new ViewHelpers();

/** The week with the running timer counted up to the browser's now (added to its cell and totals). */
function withLive(week: Week, extra: number): Week {
  const r = week.running;
  if (!r || extra <= 0 || week.days[r.day] !== week.today) return week;
  const rows = week.rows.map((row) => (row.project_id === r.project_id && row.task_id === r.task_id
    ? { ...row, days: row.days.map((s, i) => (i === r.day ? s + extra : s)), total_seconds: row.total_seconds + extra } : row));
  return { ...week, rows, day_totals: week.day_totals.map((s, i) => (i === r.day ? s + extra : s)), total_seconds: week.total_seconds + extra };
}

/** The week of `wanted` (a date in it; null: this week), reloaded on demand; the running timer's seconds since the answer. */
function useWeek(wanted: string | null) {
  const [state, setState] = useState<{ week: Week | null; loadedAt: number; error: string | null }>({ week: null, loadedAt: 0, error: null });
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    const res = await apiGet<Week>(`/api/timesheet${wanted ? `?week=${wanted}` : ''}`);
    if (mine !== seq.current) return;
    setState((s) => (res.ok ? { week: res.body, loadedAt: Date.now(), error: null } : { ...s, error: messageOf(res, 'Could not load the week') }));
  }, [wanted]);
  useEffect(() => void reload(), [reload]);
  const [now, setNow] = useState(Date.now());
  const running = Boolean(state.week?.running);
  useEffect(() => {
    if (!running) return undefined;
    const t = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(t);
  }, [running]);
  const live = state.week?.running ? Math.max(0, Math.floor((now - state.loadedAt) / 1000)) : 0;
  return { ...state, live, reload };
}

const Timesheet: React.FC = () => {
  const [wanted, setWanted] = useState<string | null>(null);
  const { week: loaded, error, live, reload } = useWeek(wanted);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [projects, setProjects] = useState<Array<{ id: number; name: string }>>([]);
  useEffect(() => {
    void apiGet<{ projects: Array<{ id: number; name: string }> }>('/api/projects?status=active&order=recent').then((res) => setProjects(res.ok && Array.isArray(res.body.projects) ? res.body.projects : []));
  }, []);
  const week = loaded ? withLive(loaded, live) : null;
  const go = (date: string | null) => {
    setSelection(null);
    setWanted(date);
  };
  const isThisWeek = week ? week.days.includes(week.today) : true;
  const addOn = week ? Math.max(0, week.days.indexOf(week.today)) : 0;

  return (
    <Box variant="grey" data-testid="timesheet">
      <Box flex flexDirection="row" flexWrap="wrap" justifyContent="space-between" alignItems="flex-end" mb="xl" style={{ gap: 16 }}>
        <Box>
          <H2 marginTop="lg" marginBottom="sm" data-testid="timesheet-title">{week ? weekTitle(week.week_start, week.week_end) : 'Timesheet'}</H2>
          <Text color="grey60" data-testid="timesheet-intro">Your timesheet, Monday to Sunday{week ? ` in ${zoneName(week.timezone)}` : ''}. Click a cell to see, edit or add that day's entries.</Text>
        </Box>
        <Box flex flexDirection="row" alignItems="center" style={{ gap: 8 }}>
          <Button type="button" variant="outlined" data-testid="timesheet-previous" disabled={!week} onClick={() => week && go(addDays(week.week_start, -7))}>
            <Icon icon="ChevronLeft" />Previous week
          </Button>
          <Button type="button" variant="outlined" data-testid="timesheet-this-week" disabled={!week || isThisWeek} onClick={() => go(null)}>This week</Button>
          <Button type="button" variant="outlined" data-testid="timesheet-next" disabled={!week} onClick={() => week && go(addDays(week.week_start, 7))}>
            Next week<Icon icon="ChevronRight" />
          </Button>
        </Box>
      </Box>
      {error ? <Text color="error" mb="lg" data-testid="timesheet-error">{error}</Text> : null}
      <Box variant="card" style={{ borderRadius: 8, overflowX: 'auto' }}>
        {!week ? <Text color="grey60">Loading…</Text> : (
          <>
            <WeekGrid week={week} selection={selection} onSelect={setSelection} />
            {week.rows.length === 0 ? (
              <Box py="xl" style={{ textAlign: 'center' }} data-testid="timesheet-empty">
                <Text mb="default">No time this week. Start a timer on the <Link href={h.dashboardUrl()}>Dashboard</Link> or add an entry.</Text>
                <Button type="button" variant="contained" data-testid="timesheet-empty-add" onClick={() => setSelection({ day: addOn, row: null })}>
                  <Icon icon="Plus" />Add an entry
                </Button>
              </Box>
            ) : null}
          </>
        )}
      </Box>
      {week && selection ? (
        <DayPanel key={`${week.week_start}-${selection.day}-${selection.row?.project_id ?? ''}-${selection.row?.task_id ?? ''}`} week={week} selection={selection}
          projects={projects} liveSeconds={week.running && week.days[week.running.day] === week.today ? live : 0} onChanged={reload} onClose={() => setSelection(null)} />
      ) : null}
    </Box>
  );
};

export default Timesheet;
