// Duration cells: `h:mm`. With `custom.runningWhenOpen` (time entries) an entry without an end reads
// "Running" and one the runaway-timer job ended is marked "auto-stopped".
import React from 'react';
import { Badge, ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { hm } from '../format.js';
import { NO_WRAP } from './format.js';

const Duration: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const raw = record?.params[property.path];
  const running = Boolean(property.custom?.runningWhenOpen) && !record?.params.end_time;
  const autoStopped = Boolean(property.custom?.runningWhenOpen) && (record?.params.auto_stopped === true || record?.params.auto_stopped === 'true');
  const body = running ? (
    <Badge size="sm" variant="success" outline data-testid="duration-running">Running</Badge>
  ) : (
    <span style={NO_WRAP}>
      <span data-testid="duration">{raw === null || raw === undefined || raw === '' ? '—' : hm(Number(raw))}</span>
      {autoStopped ? (
        <Badge size="sm" variant="secondary" outline ml="sm" title="Stopped automatically after running too long (My profile: Stop a timer after)" data-testid="duration-auto-stopped">
          auto-stopped
        </Badge>
      ) : null}
    </span>
  );
  return where === 'show' ? <ValueGroup label={translateProperty(property.label, property.resourceId)}>{body}</ValueGroup> : body;
};

export default Duration;
