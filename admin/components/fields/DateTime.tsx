// Date-time cells: the viewer's profile timezone, on one line (`Fri, Dec 4, 09:00`). With
// `custom.sameDayAs` (an end and its start) a list cell on the start's day shows only the time.
import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { NO_WRAP, dateTime, sameDayTime, useTimezone } from './format.js';

const DateTime: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const tz = useTimezone();
  const raw = record?.params[property.path];
  const full = raw ? dateTime(raw, tz) : '—';
  const sameDay = raw && where === 'list' ? sameDayTime(raw, record?.params[String(property.custom?.sameDayAs ?? '')], tz) : null;
  const text = sameDay ?? full;
  const body = <span style={NO_WRAP} title={raw ? `${full} (${tz})` : undefined} data-testid={`datetime-${property.path}`}>{text}</span>;
  return where === 'show' ? <ValueGroup label={translateProperty(property.label, property.resourceId)}>{body}</ValueGroup> : body;
};

export default DateTime;
