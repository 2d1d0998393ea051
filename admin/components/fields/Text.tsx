// A list cell that keeps words whole: plain values, and references as a link to the record
// (the design system's table cells otherwise break "manual" into "manu|al" to fit narrow columns).
import React from 'react';
import { Link } from '@adminjs/design-system';
import { ViewHelpers, type BasePropertyProps } from 'adminjs';
import { NO_WRAP, WHOLE_WORDS } from './format.js';

/** One word (an email, a slug) stays on one line: browsers would otherwise wrap it after a hyphen. */
const keepWhole = (text: string) => (/\s/.test(text.trim()) ? WHOLE_WORDS : NO_WRAP);

const h = new ViewHelpers();

const Text: React.FC<BasePropertyProps> = ({ record, property }) => {
  const raw = record?.params[property.path];
  if (raw === null || raw === undefined || raw === '') return <span>—</span>;
  const ref = property.reference ? record?.populated?.[property.path] : null;
  if (ref && property.reference) {
    const href = h.recordActionUrl({ resourceId: property.reference, recordId: String(ref.id), actionName: 'show' });
    return <Link href={href} style={keepWhole(String(ref.title))} data-testid={`ref-${property.path}`}>{ref.title}</Link>;
  }
  const label = property.availableValues?.find((v) => v.value === raw)?.label ?? String(raw);
  return <span style={keepWhole(label)}>{label}</span>;
};

export default Text;
