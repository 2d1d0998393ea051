// The dashboard's notice that the runaway_timers job stopped the user's timer (GET /api/timer/status
// `auto_stopped_entry`); Dismiss acknowledges it (POST /api/timer/auto-stopped/:id/ack) so it stays gone.
import React, { useState } from 'react';
import { Box, Button, MessageBox, Text } from '@adminjs/design-system';
import { apiPost, messageOf } from '../connectors/api.js';

export interface AutoStoppedEntry {
  id: number;
  project_name: string | null;
  duration_seconds: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const hm = (s: number) => `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}`;

export const AutoStopBanner: React.FC<{ entry: AutoStoppedEntry; onDismissed: () => void }> = ({ entry, onDismissed }) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dismiss = async () => {
    setBusy(true);
    const res = await apiPost(`/api/timer/auto-stopped/${entry.id}/ack`);
    setBusy(false);
    if (res.ok) onDismissed();
    else setError(`Could not dismiss: ${messageOf(res, `HTTP ${res.status}`)}`);
  };
  return (
    <MessageBox variant="info" mb="lg" data-testid="dashboard-auto-stopped" data-entry-id={entry.id}>
      <Box flex flexDirection="row" justifyContent="space-between" alignItems="center" style={{ gap: 12 }}>
        <Text data-testid="dashboard-auto-stopped-text">
          Your timer on <strong>{entry.project_name ?? 'a project'}</strong> ran {hm(entry.duration_seconds)} and was stopped automatically.
          Correct the entry under Time entries if you stopped working earlier.
        </Text>
        <Button type="button" size="sm" variant="text" data-testid="dashboard-auto-stopped-dismiss" disabled={busy} onClick={() => void dismiss()}>Dismiss</Button>
      </Box>
      {error ? <Text variant="xs" color="error" mt="sm" data-testid="dashboard-auto-stopped-error">{error}</Text> : null}
    </MessageBox>
  );
};
