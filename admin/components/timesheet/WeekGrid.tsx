// The week as a table: a row per project/task, Monday to Sunday, h:mm cells with row and day
// totals. Today's column is tinted, the running timer's cell carries a "running" badge, and every
// cell (and day heading) opens that day's entries.
import React from 'react';
import { Badge, Text } from '@adminjs/design-system';
import { styled } from '@adminjs/design-system/styled-components';
import { hm, taskLabel } from '../format.js';
import { dayParts, type Week, type WeekRow } from './week.js';

export interface Selection {
  day: number;
  /** The row's project/task; null: the whole day. */
  row: { project_id: number; task_id: number | null } | null;
}

const Table = styled.table`
  width: 100%;
  border-collapse: separate;
  border-spacing: 0;
  font-size: 14px;
  th, td { border-bottom: 1px solid #EEEEEF; padding: 0; }
  th { font-weight: normal; color: #898A9A; text-align: right; }
  th:first-child, td:first-child { text-align: left; padding: 10px 12px 10px 0; }
  tfoot td { border-bottom: none; border-top: 2px solid #C0C0CA; font-weight: bold; }
  .today { background: #F4F6FF; }
  th.total { color: #0C1E29; }
  .total { padding: 10px 12px; text-align: right; font-weight: bold; font-variant-numeric: tabular-nums; white-space: nowrap; }
`;

const CellButton = styled.button<{ $selected?: boolean }>`
  all: unset;
  box-sizing: border-box;
  display: block;
  width: 100%;
  min-width: 72px;
  padding: 10px 12px;
  text-align: right;
  cursor: pointer;
  font-variant-numeric: tabular-nums;
  white-space: nowrap;
  outline: ${(p: { $selected?: boolean }) => (p.$selected ? '2px solid #4268F6' : 'none')};
  outline-offset: -2px;
  &:hover, &:focus-visible { background: #E9EDFF; }
`;

const Empty = styled.span`color: #C0C0CA;`;

const DayHead: React.FC<{ date: string; today: boolean; selected: boolean; onClick: () => void; index: number }> = ({ date, today, selected, onClick, index }) => {
  const { weekday, day } = dayParts(date);
  return (
    <th className={today ? 'today' : undefined} data-testid={`timesheet-day-${index}`} data-date={date}>
      <CellButton type="button" $selected={selected} onClick={onClick} title={`Entries of ${weekday} ${day}`}>
        <Text as="span" fontWeight="bold" color={today ? 'primary100' : 'grey100'}>{weekday}</Text>
        <Text as="span" variant="sm" color="grey60" ml="sm">{day}</Text>
        {today ? <Text as="span" variant="xs" color="primary100" style={{ display: 'block' }}>today</Text> : null}
      </CellButton>
    </th>
  );
};

const RowLabel: React.FC<{ row: WeekRow }> = ({ row }) => (
  <>
    <Text as="div" fontWeight="bold" style={{ whiteSpace: 'nowrap' }}>{row.project_name}</Text>
    <Text as="div" variant="sm" color="grey60" style={{ whiteSpace: 'nowrap' }}>
      {row.task_name ? taskLabel({ name: row.task_name, external_ref: row.external_ref }) : 'No task'}
    </Text>
  </>
);

export const WeekGrid: React.FC<{ week: Week; selection: Selection | null; onSelect: (s: Selection) => void }> = ({ week, selection, onSelect }) => {
  const todayIndex = week.days.indexOf(week.today);
  const isSelected = (day: number, row: WeekRow | null) =>
    selection?.day === day && (row === null ? selection.row === null : selection.row?.project_id === row.project_id && selection.row?.task_id === row.task_id);
  return (
    <Table data-testid="timesheet-grid">
      <thead>
        <tr>
          <th><Text as="span" variant="sm" color="grey60">Project / task</Text></th>
          {week.days.map((date, i) => (
            <DayHead key={date} index={i} date={date} today={i === todayIndex} selected={isSelected(i, null)} onClick={() => onSelect({ day: i, row: null })} />
          ))}
          <th className="total">Total</th>
        </tr>
      </thead>
      <tbody>
        {week.rows.map((row, r) => {
          const runningHere = week.running && week.running.project_id === row.project_id && week.running.task_id === row.task_id ? week.running.day : -1;
          return (
            <tr key={`${row.project_id}-${row.task_id ?? 0}`} data-testid={`timesheet-row-${r}`}>
              <td><RowLabel row={row} /></td>
              {row.days.map((secs, d) => (
                <td key={d} className={d === todayIndex ? 'today' : undefined}>
                  <CellButton type="button" data-testid={`timesheet-cell-${r}-${d}`} data-date={week.days[d]} $selected={isSelected(d, row)}
                    aria-label={`${row.project_name}${row.task_name ? ` · ${row.task_name}` : ''}, ${week.days[d]}: ${hm(secs)}`}
                    onClick={() => onSelect({ day: d, row: { project_id: row.project_id, task_id: row.task_id } })}>
                    {secs > 0 || d === runningHere ? hm(secs) : <Empty>–</Empty>}
                    {d === runningHere ? <span style={{ display: 'block', marginTop: 4 }}><Badge size="sm" variant="success" data-testid="timesheet-running">running</Badge></span> : null}
                  </CellButton>
                </td>
              ))}
              <td className="total" data-testid={`timesheet-row-total-${r}`}>{hm(row.total_seconds)}</td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <td>Total</td>
          {week.day_totals.map((secs, d) => (
            <td key={d} className={`total${d === todayIndex ? ' today' : ''}`} data-testid={`timesheet-day-total-${d}`}>{secs > 0 ? hm(secs) : <Empty>–</Empty>}</td>
          ))}
          <td className="total" data-testid="timesheet-total">{hm(week.total_seconds)}</td>
        </tr>
      </tfoot>
    </Table>
  );
};
