// The Reports page's filter bar: range preset (or custom dates), group by, project, billable and,
// for admins, one user or everyone.
import React from 'react';
import { Box, Button, Label } from '@adminjs/design-system';
import { SelectField, TextField } from '../connectors/ui.js';
import { GROUPS, type ReportFilters } from './query.js';
import { PRESETS, type Preset } from './range.js';

export interface Option { value: string; label: string }

interface Props {
  preset: Preset;
  filters: ReportFilters;
  isAdmin: boolean;
  projects: Option[];
  users: Option[];
  onPreset: (p: Preset) => void;
  onChange: (patch: Partial<ReportFilters>) => void;
}

const Item: React.FC<{ id: string; label: string; width?: number; children: React.ReactNode }> = ({ id, label, width = 180, children }) => (
  <Box style={{ width }}>
    <Label htmlFor={id}>{label}</Label>
    {children}
  </Box>
);

export const Filters: React.FC<Props> = ({ preset, filters, isAdmin, projects, users, onPreset, onChange }) => (
  <Box data-testid="reports-filters">
    <Box flex flexDirection="row" flexWrap="wrap" mb="lg" style={{ gap: 8 }} role="group" aria-label="Range">
      {PRESETS.map((p) => (
        <Button key={p.key} type="button" size="sm" variant={preset === p.key ? 'contained' : 'outlined'} aria-pressed={preset === p.key}
          data-testid={`reports-preset-${p.key}`} onClick={() => onPreset(p.key)}>
          {p.label}
        </Button>
      ))}
    </Box>
    <Box flex flexDirection="row" flexWrap="wrap" alignItems="flex-end" style={{ gap: 16 }}>
      {preset === 'custom' ? (
        <>
          <Item id="reports-from" label="From" width={160}><TextField id="reports-from" type="date" value={filters.from} onChange={(from) => onChange({ from })} /></Item>
          <Item id="reports-to" label="To" width={160}><TextField id="reports-to" type="date" value={filters.to} onChange={(to) => onChange({ to })} /></Item>
        </>
      ) : null}
      <Item id="reports-group" label="Group by" width={140}>
        <SelectField id="reports-group" value={filters.groupBy} onChange={(v) => onChange({ groupBy: v as ReportFilters['groupBy'] })}
          options={GROUPS.filter((g) => isAdmin || !('adminOnly' in g)).map((g) => ({ value: g.key, label: g.label }))} />
      </Item>
      <Item id="reports-project" label="Project" width={220}>
        <SelectField id="reports-project" value={filters.projectId} onChange={(projectId) => onChange({ projectId })} options={projects} placeholder="All projects" />
      </Item>
      <Item id="reports-billable" label="Billable" width={160}>
        <SelectField id="reports-billable" value={filters.billable} onChange={(v) => onChange({ billable: v as ReportFilters['billable'] })}
          options={[{ value: 'true', label: 'Billable only' }, { value: 'false', label: 'Non-billable only' }]} placeholder="All entries" />
      </Item>
      {isAdmin ? (
        <Item id="reports-user" label="User" width={200}>
          <SelectField id="reports-user" value={filters.userId} onChange={(userId) => onChange({ userId })} options={users} placeholder="All users" />
        </Item>
      ) : null}
    </Box>
  </Box>
);
