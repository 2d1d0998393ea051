// A task's status as a coloured badge: To do, In progress, Review, Done, Cancelled.
import React from 'react';
import { Badge, ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { NO_WRAP, humanize } from './format.js';

const VARIANT: Record<string, 'default' | 'primary' | 'info' | 'success' | 'light'> = {
  todo: 'default', in_progress: 'primary', review: 'info', done: 'success', cancelled: 'light',
};

const TaskStatus: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const status = String(record?.params[property.path] ?? '');
  const label = property.availableValues?.find((v) => v.value === status)?.label ?? humanize(status);
  const body = <Badge size="sm" variant={VARIANT[status] ?? 'default'} style={NO_WRAP} data-testid="task-status">{label}</Badge>;
  return where === 'show' ? <ValueGroup label={translateProperty(property.label, property.resourceId)}>{body}</ValueGroup> : body;
};

export default TaskStatus;
