// The Reports page: a range of local dates (this week, last week, this month, last month or
// custom), grouped by project, task, day or (admins) user, optionally one project, billable or
// not and (admins) one user; hours per group as a bar chart and a table with totals and the
// billable share. Export downloads the time-entries CSV for the same filters, so the file holds
// exactly the entries behind the report. Data: GET /api/reports/summary (docs/api/REST_API.md).
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Button, H2, H4, Icon, Link, Loader, MessageBox, Text } from '@adminjs/design-system';
import { ViewHelpers } from 'adminjs';
import { apiGet, loadMe, messageOf, type Me } from './connectors/api.js';
import { Filters, type Option } from './reports/Filters.js';
import { HoursChart } from './reports/HoursChart.js';
import { csvUrl, GROUPS, summaryUrl, usersUrl, type ReportFilters, type Summary } from './reports/query.js';
import { localToday, presetRange, rangeText, type Preset } from './reports/range.js';
import { SummaryTable } from './reports/SummaryTable.js';

const h = new ViewHelpers();
type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; summary: Summary };

const Card: React.FC<{ testId: string; children: React.ReactNode }> = ({ testId, children }) => (
  <Box variant="card" data-testid={testId} mb="xl" style={{ borderRadius: 8 }}>{children}</Box>
);

/** Nothing tracked for these filters: say what to change or where time gets recorded. */
const Empty: React.FC<{ filtered: boolean }> = ({ filtered }) => (
  <Box data-testid="reports-empty" py="xl" style={{ textAlign: 'center' }}>
    <Icon icon="BarChart" size={32} color="grey40" />
    <Text fontWeight="bold" mt="default" mb="sm">No time recorded in this range{filtered ? ' with these filters' : ''}.</Text>
    <Text color="grey60">
      Choose another range{filtered ? ' or clear the project, billable or user filter' : ''} above, or track time:
      start a timer on the <Link href={h.dashboardUrl()}>Dashboard</Link> or add an entry under{' '}
      <Link href={h.resourceUrl({ resourceId: 'time_entries' })}>Time entries</Link>.
    </Text>
  </Box>
);

/** All projects the user may report on (archived ones too: their time still counts). */
function useOptions(me: Me | null, range: { from: string; to: string }) {
  const [projects, setProjects] = useState<Option[]>([]);
  const [users, setUsers] = useState<Option[]>([]);
  useEffect(() => {
    void apiGet<{ projects: Array<{ id: number; name: string; status: string }> }>('/api/projects').then((res) =>
      setProjects(res.ok ? res.body.projects.map((p) => ({ value: String(p.id), label: p.status === 'active' ? p.name : `${p.name} (${p.status})` })) : []));
  }, []);
  const isAdmin = me?.role === 'admin';
  useEffect(() => {
    if (!isAdmin) return;
    void apiGet<Summary>(usersUrl(range)).then((res) => setUsers(res.ok ? res.body.groups.map((g) => ({ value: String(g.key), label: g.label })) : []));
  }, [isAdmin, range.from, range.to]);
  return { projects, users };
}

const ReportView: React.FC<{ me: Me }> = ({ me }) => {
  const isAdmin = me.role === 'admin';
  const [preset, setPreset] = useState<Preset>('this-week');
  const [filters, setFilters] = useState<ReportFilters>(() => ({ ...presetRange('this-week', localToday(new Date(), me.timezone)), groupBy: 'project', projectId: '', billable: '', userId: '' }));
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const { projects, users } = useOptions(me, filters);
  const url = summaryUrl(filters);
  useEffect(() => {
    let current = true;
    setLoad({ state: 'loading' });
    void apiGet<Summary>(url).then((res) => {
      if (current) setLoad(res.ok ? { state: 'done', summary: res.body } : { state: 'error', message: messageOf(res, 'Could not load the report') });
    });
    return () => {
      current = false;
    };
  }, [url]);
  const choosePreset = (p: Preset) => {
    setPreset(p);
    if (p !== 'custom') setFilters((f) => ({ ...f, ...presetRange(p, localToday(new Date(), me.timezone)) }));
  };
  // A user picked from the list stays offered after the range changes.
  const userOptions = useMemo(() => (filters.userId && !users.some((u) => u.value === filters.userId) ? [{ value: filters.userId, label: `User #${filters.userId}` }, ...users] : users), [users, filters.userId]);
  const groupTitle = GROUPS.find((g) => g.key === filters.groupBy)?.label ?? 'Group';
  const summary = load.state === 'done' ? load.summary : null;
  const entries = summary ? summary.groups.reduce((n, g) => n + g.entries, 0) : 0;
  return (
    <>
      <Card testId="reports-filter-card">
        <Filters preset={preset} filters={filters} isAdmin={isAdmin} projects={projects} users={userOptions} onPreset={choosePreset}
          onChange={(patch) => setFilters((f) => ({ ...f, ...patch }))} />
      </Card>
      <Card testId="reports-result">
        <Box flex flexDirection="row" justifyContent="space-between" alignItems="center" flexWrap="wrap" mb="lg" style={{ gap: 8 }}>
          <Box>
            <H4 marginTop="0px" marginBottom="sm" data-testid="reports-range">{rangeText(filters)}</H4>
            <Text variant="sm" color="grey60">Hours per {groupTitle.toLowerCase()}, local dates in {me.timezone}{summary ? ` · ${entries} entr${entries === 1 ? 'y' : 'ies'}` : ''}</Text>
          </Box>
          <Button as="a" href={csvUrl(filters)} download variant="outlined" data-testid="reports-export" title="The entries behind this report as a CSV file">
            <Icon icon="Download" />
            Export CSV
          </Button>
        </Box>
        {load.state === 'loading' ? <Loader /> : null}
        {load.state === 'error' ? <MessageBox variant="danger" size="sm" data-testid="reports-error" message={load.message} /> : null}
        {summary && entries === 0 ? <Empty filtered={Boolean(filters.projectId || filters.billable || filters.userId)} /> : null}
        {summary && entries > 0 ? (
          <>
            <HoursChart groups={summary.groups} />
            <Box mt="xl"><SummaryTable summary={summary} groupTitle={groupTitle} /></Box>
          </>
        ) : null}
      </Card>
    </>
  );
};

const Reports: React.FC = () => {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    void loadMe().then(setMe);
  }, []);
  return (
    <Box variant="grey" data-testid="reports">
      <Box p="default">
        <H2 marginTop="lg" marginBottom="xl">Reports</H2>
        {me === undefined ? <Loader /> : null}
        {me === null ? <MessageBox variant="danger" message="Could not load your account. Reload the page or log in again." /> : null}
        {me ? <ReportView me={me} /> : null}
      </Box>
    </Box>
  );
};

export default Reports;
