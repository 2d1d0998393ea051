// Duration cells: `h:mm`. With `custom.runningWhenOpen` (time entries) an entry without an end reads "Running".
import React from 'react';
import { Badge, ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { hm } from '../dashboard/TimerPanel.js';
import { NO_WRAP } from './format.js';

const Duration: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const raw = record?.params[property.path];
  const running = Boolean(property.custom?.runningWhenOpen) && !record?.params.end_time;
  const body = running ? (
    <Badge size="sm" variant="success" outline data-testid="duration-running">Running</Badge>
  ) : (
    <span style={NO_WRAP} data-testid="duration">{raw === null || raw === undefined || raw === '' ? '—' : hm(Number(raw))}</span>
  );
  return where === 'show' ? <ValueGroup label={translateProperty(property.label, property.resourceId)}>{body}</ValueGroup> : body;
};

export default Duration;
