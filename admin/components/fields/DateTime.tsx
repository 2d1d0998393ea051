// Date-time cells: the viewer's profile timezone, on one line (`Fri, Dec 4, 2026, 09:00`).
import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { NO_WRAP, dateTime, useTimezone } from './format.js';

const DateTime: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const tz = useTimezone();
  const raw = record?.params[property.path];
  const text = raw ? dateTime(raw, tz) : '—';
  const body = <span style={NO_WRAP} title={raw ? `${text} (${tz})` : undefined} data-testid={`datetime-${property.path}`}>{text}</span>;
  return where === 'show' ? <ValueGroup label={translateProperty(property.label, property.resourceId)}>{body}</ValueGroup> : body;
};

export default DateTime;
