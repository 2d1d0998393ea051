// The Integration show page's settings: one labelled field per line of the server's summary
// ("Label: value"; secrets read only "set" or "not set", see admin/resources/integrations.resource.ts).
import React from 'react';
import { Box, Label, Text, ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';

const Settings: React.FC<BasePropertyProps> = ({ record, property }) => {
  const { translateProperty } = useTranslation();
  const lines = String(record?.params[property.path] ?? '').split('\n').filter(Boolean);
  return (
    <ValueGroup label={translateProperty(property.label, property.resourceId)}>
      <Box as="dl" data-testid="integration-settings" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 24, rowGap: 8, margin: 0, alignItems: 'baseline' }}>
        {lines.length === 0 ? <Text color="grey60">Nothing saved yet. Fill in the connector under Personal connectors.</Text> : null}
        {lines.map((line) => {
          const at = line.indexOf(': ');
          const [label, value] = at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 2)];
          return (
            <React.Fragment key={label}>
              <Label as="dt" style={{ margin: 0 }}>{label}</Label>
              <Text as="dd" style={{ margin: 0 }}>{value || '—'}</Text>
            </React.Fragment>
          );
        })}
      </Box>
    </ValueGroup>
  );
};

export default Settings;
