// The report's numbers: one row per group (hours as h:mm, billable hours, billable share,
// entries) and a totals row.
import React from 'react';
import { Table, TableBody, TableCell, TableHead, TableRow } from '@adminjs/design-system';
import { hm } from '../format.js';
import { share, type Summary } from './query.js';

const num: React.CSSProperties = { textAlign: 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' };

export const SummaryTable: React.FC<{ summary: Summary; groupTitle: string }> = ({ summary, groupTitle }) => {
  const entries = summary.groups.reduce((n, g) => n + g.entries, 0);
  return (
    <Table data-testid="reports-table" style={{ width: '100%' }}>
      <TableHead>
        <TableRow>
          <TableCell>{groupTitle}</TableCell>
          <TableCell style={num}>Hours</TableCell>
          <TableCell style={num}>Billable</TableCell>
          <TableCell style={num}>Billable share</TableCell>
          <TableCell style={num}>Entries</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {summary.groups.map((g) => (
          <TableRow key={String(g.key)} data-testid="reports-row">
            <TableCell>{g.label}</TableCell>
            <TableCell style={num}>{hm(g.seconds)}</TableCell>
            <TableCell style={num}>{hm(g.billable_seconds)}</TableCell>
            <TableCell style={num}>{share(g.billable_seconds, g.seconds)}</TableCell>
            <TableCell style={num}>{g.entries}</TableCell>
          </TableRow>
        ))}
        <TableRow data-testid="reports-total" style={{ fontWeight: 700, borderTop: '2px solid #C0C0CA' }}>
          <TableCell style={{ fontWeight: 700 }}>Total</TableCell>
          <TableCell style={{ ...num, fontWeight: 700 }}>{hm(summary.total_seconds)}</TableCell>
          <TableCell style={{ ...num, fontWeight: 700 }}>{hm(summary.billable_seconds)}</TableCell>
          <TableCell style={{ ...num, fontWeight: 700 }}>{share(summary.billable_seconds, summary.total_seconds)}</TableCell>
          <TableCell style={{ ...num, fontWeight: 700 }}>{entries}</TableCell>
        </TableRow>
      </TableBody>
    </Table>
  );
};
