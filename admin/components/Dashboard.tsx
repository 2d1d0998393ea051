// AdminJS home: the logged-in user's timer (start, stop, switch, continue recent work:
// dashboard/TimerPanel.tsx), today's hours and the health of every connector of the server's list (GET /api/integrations) at a glance (with the reason of an Error in plain words). Everything comes from the JSON API with the shared session.
import React, { useCallback, useEffect, useState } from 'react';
import { Box, H2, H4, Link, Text } from '@adminjs/design-system';
import { ViewHelpers } from 'adminjs';
import { apiGet, loadConnectors, loadMe, messageOf, type ConnectorListing, type Me } from './connectors/api.js';
import { healthOf, StatusBadge, type SyncInfo } from './connectors/ui.js';
import { hm } from './format.js';
import { TimerPanel } from './dashboard/TimerPanel.js';

type Summary = { hours: number; projects: number };

/** Panel URLs under the host's rootPath (AdminJS knows it in the browser). */
const h = new ViewHelpers();

const Panel: React.FC<{ title: string; testId: string; children: React.ReactNode }> = ({ title, testId, children }) => (
  <Box variant="card" data-testid={testId} style={{ borderRadius: 8, flex: '1 1 280px', minWidth: 260 }}>
    <H4 marginTop="0px" marginBottom="lg">{title}</H4>
    {children}
  </Box>
);

const TodayPanel: React.FC<{ version: number }> = ({ version }) => {
  const [summary, setSummary] = useState<Summary | null>(null);
  useEffect(() => {
    void apiGet<Summary>('/api/summary/today').then((res) => setSummary(res.ok ? res.body : null));
  }, [version]);
  return (
    <Panel title="Today" testId="dashboard-today">
      <Text fontSize="h3" lineHeight="xl" fontWeight="bold" mb="sm" data-testid="dashboard-today-hours" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {summary ? hm(Math.round(summary.hours * 3600)) : '…'}
      </Text>
      <Text color="grey60">{summary ? `hours logged across ${summary.projects} project(s), in your time zone. Running timers count once stopped.` : 'Loading…'}</Text>
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
  const timerChanged = useCallback(() => setVersion((v) => v + 1), []);
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
          <TimerPanel onChanged={timerChanged} />
          <TodayPanel version={version} />
          <ConnectorHealth />
        </Box>
      </Box>
    </Box>
  );
};

export default Dashboard;
