// Hours per group as a bar chart (Recharts): one bar per group, its height the group's hours;
// the tooltip reads h:mm and the billable part.
import React from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from './recharts.js';
import { hm } from '../format.js';
import type { SummaryGroup } from './query.js';

const PRIMARY = '#4268F6'; // AdminJS's primary100

/** Short axis labels: long task names are cut, the tooltip has the whole name. */
const tick = (label: string) => (label.length > 18 ? `${label.slice(0, 17)}…` : label);

interface Datum { label: string; hours: number; seconds: number; billable: number }

const TooltipBody: React.FC<{ active?: boolean; payload?: Array<{ payload: Datum }> }> = ({ active, payload }) => {
  const d = active && payload?.[0]?.payload;
  if (!d) return null;
  return (
    <div style={{ background: 'white', border: '1px solid #EEEEEF', borderRadius: 4, padding: '8px 12px', fontSize: 13 }}>
      <strong>{d.label}</strong>
      <div>{hm(d.seconds)} h, {hm(d.billable)} billable</div>
    </div>
  );
};

export const HoursChart: React.FC<{ groups: SummaryGroup[] }> = ({ groups }) => {
  const data: Datum[] = groups.map((g) => ({ label: g.label, hours: g.seconds / 3600, seconds: g.seconds, billable: g.billable_seconds }));
  const max = Math.max(0, ...data.map((d) => d.hours));
  return (
    <div data-testid="reports-chart" style={{ width: '100%', height: 280 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#EEEEEF" />
          <XAxis dataKey="label" tickFormatter={tick} interval="preserveStartEnd" tick={{ fontSize: 12 }} />
          <YAxis tickFormatter={(h: number) => hm(Math.round(h * 3600))} allowDecimals domain={[0, max > 0 ? 'auto' : 1]} width={48} tick={{ fontSize: 12 }} />
          <Tooltip content={<TooltipBody />} cursor={{ fill: '#F6F7FB' }} />
          <Bar dataKey="hours" name="Hours" fill={PRIMARY} radius={[3, 3, 0, 0]} maxBarSize={56} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
};
