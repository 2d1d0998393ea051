import React, { useEffect, useState } from 'react';
import { Box, H2, H4, Text } from '@adminjs/design-system';

type Timer = { active: boolean; entry?: { project_name?: string; elapsed_seconds?: number } };
type Summary = { hours: number; projects: number };

const hms = (s: number) => [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');

const Dashboard: React.FC = () => {
  const [timer, setTimer] = useState<Timer | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  useEffect(() => {
    fetch('/api/timer/status', { credentials: 'same-origin' }).then((r) => r.json()).then(setTimer).catch(() => setTimer(null));
    fetch('/api/summary/today', { credentials: 'same-origin' }).then((r) => r.json()).then(setSummary).catch(() => setSummary(null));
  }, []);
  return (
    <Box variant="grey">
      <H2>TimeTracker</H2>
      <Box flex flexDirection="row" style={{ gap: 16, flexWrap: 'wrap' }}>
        <Box variant="white" p="xl" style={{ minWidth: 260 }} data-testid="dashboard-timer">
          <H4>Running timer</H4>
          <Text>{timer?.active ? `${timer.entry?.project_name ?? 'Project'} — ${hms(timer.entry?.elapsed_seconds ?? 0)}` : 'No active timer.'}</Text>
        </Box>
        <Box variant="white" p="xl" style={{ minWidth: 260 }} data-testid="dashboard-today">
          <H4>Today</H4>
          <Text>{summary ? `${summary.hours}h across ${summary.projects} project(s)` : '…'}</Text>
        </Box>
      </Box>
    </Box>
  );
};

export default Dashboard;
