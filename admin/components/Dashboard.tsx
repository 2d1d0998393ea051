// AdminJS home: the logged-in user's running timer (with Stop), today's hours and the health of
// every connector of the server's list (GET /api/integrations) at a glance (with the reason of an Error in plain words). Everything comes from the JSON API with the shared session.
import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { Box, H2, H4, Link, Text } from '@adminjs/design-system';
import { ViewHelpers } from 'adminjs';
import { apiGet, apiPost, loadConnectors, loadMe, messageOf, type ConnectorListing, type Me } from './connectors/api.js';
import { ActionButton, healthOf, ResultLine, StatusBadge, type Result, type SyncInfo } from './connectors/ui.js';

type TimerStatus = { active: boolean; entry?: { project_name?: string | null; task_name?: string | null; notes?: string | null; start_time?: string; elapsed_seconds?: number } };
type Summary = { hours: number; projects: number };

export const hms = (s: number) => [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
/** Panel URLs under the host's rootPath (AdminJS knows it in the browser). */
const h = new ViewHelpers();

const Panel: React.FC<{ title: string; testId: string; children: React.ReactNode }> = ({ title, testId, children }) => (
  <Box variant="card" data-testid={testId} style={{ borderRadius: 8, flex: '1 1 280px', minWidth: 260 }}>
    <H4 marginTop="0px" marginBottom="lg">{title}</H4>
    {children}
  </Box>
);

function useTicking(start: number | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (start === null) return undefined;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [start]);
  return start === null ? 0 : Math.max(0, Math.floor((now - start) / 1000));
}

const TimerPanel: React.FC<{ onStopped: () => void }> = ({ onStopped }) => {
  const [timer, setTimer] = useState<TimerStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const load = useCallback(async () => {
    const res = await apiGet<TimerStatus>('/api/timer/status');
    setTimer(res.ok ? res.body : { active: false });
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  // The server's elapsed time anchors a local clock, so the browser's clock skew does not matter.
  const anchor = useMemo(() => (timer?.active ? Date.now() - (timer.entry?.elapsed_seconds ?? 0) * 1000 : null), [timer]);
  const elapsed = useTicking(anchor);

  const stop = async () => {
    setBusy(true);
    const res = await apiPost<{ entry?: { duration_seconds?: number } }>('/api/timer/stop');
    setBusy(false);
    setResult(res.ok ? { kind: 'success', text: `Timer stopped (duration ${hms(res.body.entry?.duration_seconds ?? 0)}).` } : { kind: 'error', text: messageOf(res, 'Could not stop the timer') });
    await load();
    onStopped();
  };

  return (
    <Panel title="Running timer" testId="dashboard-timer">
      {timer === null ? <Text color="grey60">Loading…</Text> : timer.active ? (
        <Box>
          <Text fontSize="h3" lineHeight="xl" fontWeight="bold" mb="sm" data-testid="dashboard-timer-elapsed" style={{ fontVariantNumeric: 'tabular-nums' }}>{hms(elapsed)}</Text>
          <Text mb="sm" data-testid="dashboard-timer-project"><strong>{timer.entry?.project_name ?? 'Project'}</strong>{timer.entry?.task_name ? ` — ${timer.entry.task_name}` : ''}</Text>
          {timer.entry?.notes ? <Text variant="sm" color="grey60" mb="sm">{timer.entry.notes}</Text> : null}
          <ActionButton testId="dashboard-timer-stop" label="Stop timer" busyLabel="Stopping…" icon="StopCircle" primary danger busy={busy} onClick={() => void stop()} />
        </Box>
      ) : (
        <Box>
          <Text mb="sm" data-testid="dashboard-timer-none">No timer running.</Text>
          <Text variant="sm" color="grey60">Start one from <Link href={h.resourceUrl({ resourceId: 'time_entries' })}>Time entries</Link> (“Start again”), with <code>/tt start</code> in Slack or through the API.</Text>
        </Box>
      )}
      <ResultLine result={result} testId="dashboard-timer-result" />
    </Panel>
  );
};

const TodayPanel: React.FC<{ version: number }> = ({ version }) => {
  const [summary, setSummary] = useState<Summary | null>(null);
  useEffect(() => {
    void apiGet<Summary>('/api/summary/today').then((res) => setSummary(res.ok ? res.body : null));
  }, [version]);
  return (
    <Panel title="Today" testId="dashboard-today">
      <Text fontSize="h3" lineHeight="xl" fontWeight="bold" mb="sm" data-testid="dashboard-today-hours">{summary ? `${summary.hours} h` : '…'}</Text>
      <Text color="grey60">{summary ? `logged across ${summary.projects} project(s), in your time zone. Running timers count once stopped.` : 'Loading…'}</Text>
    </Panel>
  );
};

const ConnectorHealth: React.FC = () => {
  const [connectors, setConnectors] = useState<ConnectorListing[]>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [states, setStates] = useState<Record<string, { status: SyncInfo | null; error: string | null }>>({});
  useEffect(() => {
    void loadConnectors().then(({ connectors: list, error }) => {
      setConnectors(list);
      setListError(error);
      for (const { slug } of list) {
        void apiGet<SyncInfo>(`/api/integrations/${slug}/status`).then((res) =>
          setStates((s) => ({ ...s, [slug]: res.ok ? { status: res.body, error: null } : { status: null, error: messageOf(res, 'Status unavailable') } })));
      }
    });
  }, []);
  return (
    <Panel title="Connectors" testId="dashboard-connectors">
      {listError ? <Text variant="sm" color="error" mb="default">{listError}</Text> : null}
      {connectors.map(({ slug, title, test_label: testLabel }) => {
        const st = states[slug];
        const health = healthOf(st?.status, st?.error ?? null, testLabel);
        const problem = health.state === 'error' || health.state === 'reconnect';
        return (
          <Box key={slug} mb="default" data-testid={`dashboard-connector-${slug}`}>
            <Box flex flexDirection="row" justifyContent="space-between" alignItems="center">
              <Text>{title}</Text>
              <StatusBadge health={health} testId={`dashboard-connector-${slug}-badge`} />
            </Box>
            {health.detail ? (
              <Text variant="xs" mt="sm" color={problem ? 'error' : 'grey60'} data-testid={`dashboard-connector-${slug}-detail`} style={{ overflowWrap: 'anywhere' }}>
                {health.detail}
              </Text>
            ) : null}
          </Box>
        );
      })}
      <Text variant="sm" mt="lg"><Link href={h.pageUrl('personal-connectors')}>Manage your connectors →</Link></Text>
    </Panel>
  );
};

const Dashboard: React.FC = () => {
  const [me, setMe] = useState<Me | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    void loadMe().then(setMe);
  }, []);
  return (
    <Box variant="grey" data-testid="dashboard">
      <Box data-testid="dashboard-content" p="default">
        <Box mb="xl">
          <H2 marginTop="lg" marginBottom="sm">{me ? `Hello, ${me.display_name}` : 'TimeTracker'}</H2>
          <Text color="grey60">{new Date().toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: me?.timezone || undefined })}{me ? ` · ${me.timezone}` : ''}</Text>
        </Box>
        <Box flex flexDirection="row" flexWrap="wrap" style={{ gap: 24 }}>
          <TimerPanel onStopped={() => setVersion((v) => v + 1)} />
          <TodayPanel version={version} />
          <ConnectorHealth />
        </Box>
      </Box>
    </Box>
  );
};

export default Dashboard;
