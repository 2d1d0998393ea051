// The time-entries CSV export, streamed: entries are read in keyset-paginated pages of
// PAGE_SIZE rows ordered by (start_time, id) and written as they come, so memory stays flat
// however many entries the range holds. The stream pulls the next page only when the reader
// has taken the last one (backpressure).
import { Readable } from 'node:stream';
import { QueryTypes } from 'sequelize';
import { usersSql } from '../db/hostUsers.js';
import { db } from '../models/index.js';
import { csvLine, hoursText } from './csv.js';
import { displayNameSql, filterSql, SECONDS_SQL, type ReportFilter } from './reports.js';

export const PAGE_SIZE = 1000;
export const CSV_HEADER = ['date', 'start', 'end', 'duration_hours', 'user', 'project', 'task', 'notes', 'billable', 'source'] as const;

interface CsvRow {
  id: number;
  /** start_time as PostgreSQL prints it: exact to the microsecond, for the next page's cursor. */
  cursor: string;
  date: string;
  start: string;
  end: string | null;
  seconds: string;
  user_name: string;
  project: string;
  task: string | null;
  notes: string | null;
  billable: boolean;
  source: string;
}

function pageSql(where: string[], afterParams: [string, string] | null): string {
  const u = usersSql(db());
  // The plain `>=` lets the (user_id, start_time) index start at the cursor; the row comparison decides ties.
  const after = afterParams
    ? [`te.start_time >= ${afterParams[0]}::timestamptz`, `(te.start_time, te.id) > (${afterParams[0]}::timestamptz, ${afterParams[1]}::integer)`]
    : [];
  return `SELECT /* report: time-entries csv page */ te.id, te.start_time::text AS cursor,
            to_char(te.start_time AT TIME ZONE $1, 'YYYY-MM-DD') AS date,
            to_char(te.start_time AT TIME ZONE $1, 'HH24:MI') AS start,
            to_char(te.end_time AT TIME ZONE $1, 'HH24:MI') AS "end",
            ${SECONDS_SQL} AS seconds, ${displayNameSql(u)} AS user_name,
            p.name AS project, t.name AS task, te.notes, te.billable, te.source
       FROM time_entries te
       JOIN ${u.from} ON ${u.id} = te.user_id
       JOIN projects p ON p.id = te.project_id
       LEFT JOIN tasks t ON t.id = te.task_id
      WHERE ${[...where, ...after].join(' AND ')}
      ORDER BY te.start_time, te.id
      LIMIT ${PAGE_SIZE}`;
}

/** The filtered entries, one page at a time. */
async function* entryPages(f: ReportFilter): AsyncGenerator<CsvRow[]> {
  const { where, bind } = filterSql(f);
  const params: [string, string] = [`$${bind.length + 1}`, `$${bind.length + 2}`];
  let last: CsvRow | undefined;
  for (;;) {
    const rows = await db().query<CsvRow>(pageSql(where, last ? params : null), {
      bind: last ? [...bind, last.cursor, last.id] : bind,
      type: QueryTypes.SELECT,
    });
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE_SIZE) return;
    last = rows[rows.length - 1];
  }
}

const csvRecord = (r: CsvRow) =>
  csvLine([r.date, r.start, r.end ?? '', hoursText(Number(r.seconds)), r.user_name, r.project, r.task ?? '', r.notes ?? '', r.billable, r.source]);

/**
 * The CSV as a byte stream. The first page is read before this resolves, so a failing query
 * still becomes a proper error answer; later pages are read as the consumer asks for them.
 */
export async function timeEntriesCsv(f: ReportFilter): Promise<Readable> {
  const pages = entryPages(f);
  const first = await pages.next();
  async function* text(): AsyncGenerator<string> {
    yield csvLine(CSV_HEADER);
    if (first.done) return;
    yield first.value.map(csvRecord).join('');
    for await (const page of pages) yield page.map(csvRecord).join('');
  }
  return Readable.from(text(), { objectMode: false });
}
