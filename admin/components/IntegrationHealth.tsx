// The Status cell of the Integrations list and show page: the connector cards' coloured badge with
// its reason in plain words (set by the resource from the row: src/integrations/health.ts).
import React from 'react';
import { Box, Text, ValueGroup } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';
import { StatusBadge, type Health } from './connectors/ui.js';

const LIST_DETAIL = 140;

const IntegrationHealth: React.FC<BasePropertyProps> = ({ record, where }) => {
  const state = (record?.params.health ?? 'not_connected') as Health['state'];
  const detail = (record?.params.health_detail as string | null | undefined) || null;
  const short = detail && where === 'list' && detail.length > LIST_DETAIL ? `${detail.slice(0, LIST_DETAIL)}…` : detail;
  const body = (
    <Box data-testid="integration-health">
      <StatusBadge health={{ state, detail }} testId="integration-health-badge" />
      {short ? (
        <Text variant="xs" color={state === 'error' || state === 'reconnect' ? 'error' : 'grey60'} mt="sm" title={detail ?? undefined}
          data-testid="integration-health-detail" style={{ maxWidth: 360, whiteSpace: 'normal', lineHeight: '16px' }}>
          {short}
        </Text>
      ) : null}
    </Box>
  );
  return where === 'show' ? <ValueGroup label="Status">{body}</ValueGroup> : body;
};

export default IntegrationHealth;
