import React, { useEffect, useState } from 'react';
import { Box, H2, Text, Badge, Loader } from '@adminjs/design-system';

type Status = { ok: boolean; connected?: boolean; last_error?: string | null };
const CONNECTORS = [
  { slug: 'github', title: 'GitHub' },
  { slug: 'google', title: 'Google Calendar' },
  { slug: 'slack', title: 'Slack' },
];

const PersonalConnectors: React.FC = () => {
  const [statuses, setStatuses] = useState<Record<string, Status | null>>({});
  useEffect(() => {
    CONNECTORS.forEach(async ({ slug }) => {
      try {
        const res = await fetch(`/api/integrations/${slug}/status`, { credentials: 'same-origin' });
        const body: Status = res.ok ? await res.json() : { ok: false };
        setStatuses((s) => ({ ...s, [slug]: body }));
      } catch {
        setStatuses((s) => ({ ...s, [slug]: { ok: false } }));
      }
    });
  }, []);
  return (
    <Box variant="grey">
      <H2>Personal connectors</H2>
      <Box flex flexDirection="row" style={{ gap: 16, flexWrap: 'wrap' }}>
        {CONNECTORS.map(({ slug, title }) => {
          const st = statuses[slug];
          return (
            <Box key={slug} variant="white" p="xl" style={{ minWidth: 280 }} data-testid={`card-${slug}`}>
              <Text fontWeight="bold" mb="md">{title}</Text>
              {st === undefined ? <Loader /> : <Badge variant={st?.connected ? 'success' : 'default'}>{st?.connected ? 'Connected' : 'Not connected'}</Badge>}
            </Box>
          );
        })}
      </Box>
    </Box>
  );
};

export default PersonalConnectors;
