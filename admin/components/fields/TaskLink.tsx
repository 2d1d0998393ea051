// Where a task came from: `GitHub #7` linking to the issue, or nothing for a task made here.
import React from 'react';
import { Link, ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { NO_WRAP } from './format.js';

const TaskLink: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const url = record?.params.external_url as string | undefined;
  const ref = String(record?.params.external_ref ?? '');
  const issue = /^github_issue_(\d+)$/.exec(ref);
  const label = issue ? `GitHub #${issue[1]}` : ref;
  const safe = url && /^https:\/\//.test(url) ? url : null;
  const body = !label ? <span>—</span> : safe ? (
    <Link href={safe} target="_blank" rel="noopener noreferrer" style={NO_WRAP} data-testid="task-link">{label} ↗</Link>
  ) : (
    <span style={NO_WRAP}>{label}</span>
  );
  return where === 'show' ? <ValueGroup label={translateProperty(property.label, property.resourceId)}>{body}</ValueGroup> : body;
};

export default TaskLink;
