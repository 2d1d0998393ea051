import { expect } from 'chai';
import { db, TimeEntry, type Project, type User } from '../../src/models/index.js';
import { makeAdmin, makeEntry, makeProject, makeTask, makeUser } from '../factories.js';
import { loginAs, useTestServer, type TestClient } from '../support/server.js';
import { refused } from '../support/validation.js';

const HEADER = 'date,start,end,duration_hours,user,project,task,notes,billable,source';
const at = (iso: string) => new Date(iso);

/** RFC 4180 records of a CSV text (quoted fields may hold commas, quotes and line breaks). */
function records(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') field += text[++i];
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(field), (field = ''));
    else if (ch === '\r' && text[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), i++);
    else field += ch;
  }
  expect(field + row.join(''), 'the text ends with CRLF').to.equal('');
  return rows;
}

describe('reports API', () => {
  const srv = useTestServer();

  async function member(attrs: Parameters<typeof makeUser>[0] = {}) {
    const user = await makeUser(attrs);
    const project = await makeProject({ name: 'Website', members: [user] });
    return { user, project, c: await loginAs(srv, user) };
  }

  const csv = (c: TestClient, query: string) => c.get(`/api/reports/time-entries.csv?${query}`);
  /** The data rows of an export (header checked). */
  async function rows(c: TestClient, query: string): Promise<string[][]> {
    const res = await csv(c, query);
    expect(res.status, res.text).to.equal(200);
    const [header, ...rest] = records(res.text);
    expect(header.join(',')).to.equal(HEADER);
    return rest;
  }

  describe('GET /api/reports/time-entries.csv', () => {
    it('answers a CSV attachment: the header row, then one CRLF line per entry by start time, then id', async () => {
      const { user, project, c } = await member({ full_name: 'Ann Example' });
      const task = await makeTask(project, { name: 'Fix login' });
      await makeEntry(user, project, { start: at('2026-03-02T09:00:00Z'), end: at('2026-03-02T10:30:00Z'), task, notes: 'Planning', billable: true });
      await makeEntry(user, project, { start: at('2026-03-01T08:00:00Z'), end: at('2026-03-01T08:15:00Z'), source: 'timer' });
      await makeEntry(user, project, { start: at('2026-03-02T09:00:00Z'), end: at('2026-03-02T09:01:00Z'), notes: 'same start, later id' });
      const res = await csv(c, 'from=2026-03-01&to=2026-03-02');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).to.equal('attachment; filename="time-entries-2026-03-01-to-2026-03-02.csv"');
      expect(res.text).to.equal(
        `${HEADER}\r\n` +
          '2026-03-01,08:00,08:15,0.25,Ann Example,Website,,,false,timer\r\n' +
          '2026-03-02,09:00,10:30,1.50,Ann Example,Website,Fix login,Planning,true,manual\r\n' +
          '2026-03-02,09:00,09:01,0.02,Ann Example,Website,,"same start, later id",false,manual\r\n',
      );
    });

    it('writes a running entry with an empty end and its duration up to now; the user falls back to the login name', async () => {
      const { user, project, c } = await member({ username: 'zed' });
      const start = new Date(Date.now() - 5400_000);
      await makeEntry(user, project, { start, end: null });
      const today = start.toISOString().slice(0, 10);
      const [row] = await rows(c, `from=${today}&to=${today}`);
      expect(row.slice(2, 5)).to.deep.equal(['', '1.50', 'zed']);
    });

    it('puts an entry crossing local midnight in America/Los_Angeles on the date it starts; from/to are local midnights', async () => {
      const { user, project, c } = await member({ timezone: 'America/Los_Angeles' });
      // PST is UTC-8: local midnight of 2026-03-01 is 08:00Z, of 2026-03-02 is 08:00Z the next day.
      await makeEntry(user, project, { start: at('2026-03-01T07:59:00Z'), end: at('2026-03-01T08:00:00Z'), notes: 'feb 28 23:59' });
      await makeEntry(user, project, { start: at('2026-03-01T08:00:00Z'), end: at('2026-03-01T08:30:00Z'), notes: 'first minute' });
      await makeEntry(user, project, { start: at('2026-03-02T07:30:00Z'), end: at('2026-03-02T08:30:00Z'), notes: 'crosses midnight' });
      await makeEntry(user, project, { start: at('2026-03-02T08:00:00Z'), end: at('2026-03-02T08:10:00Z'), notes: 'next day' });
      const day1 = await rows(c, 'from=2026-03-01&to=2026-03-01');
      expect(day1.map((r) => [r[0], r[1], r[2], r[3], r[7]])).to.deep.equal([
        ['2026-03-01', '00:00', '00:30', '0.50', 'first minute'],
        ['2026-03-01', '23:30', '00:30', '1.00', 'crosses midnight'],
      ]);
      expect((await rows(c, 'from=2026-03-02&to=2026-03-02')).map((r) => [r[0], r[1], r[7]])).to.deep.equal([['2026-03-02', '00:00', 'next day']]);
      expect((await rows(c, 'from=2026-02-28&to=2026-02-28')).map((r) => [r[0], r[1], r[7]])).to.deep.equal([['2026-02-28', '23:59', 'feb 28 23:59']]);
    });

    it('does the same in Asia/Kolkata (UTC+05:30)', async () => {
      const { user, project, c } = await member({ timezone: 'Asia/Kolkata' });
      // Local midnight of 2026-03-01 is 2026-02-28T18:30Z; of 2026-03-02, 2026-03-01T18:30Z.
      await makeEntry(user, project, { start: at('2026-02-28T18:29:00Z'), end: at('2026-02-28T18:30:00Z'), notes: 'before' });
      await makeEntry(user, project, { start: at('2026-02-28T18:30:00Z'), end: at('2026-02-28T19:00:00Z'), notes: 'first' });
      await makeEntry(user, project, { start: at('2026-03-01T18:00:00Z'), end: at('2026-03-01T19:00:00Z'), notes: 'crosses midnight' });
      await makeEntry(user, project, { start: at('2026-03-01T18:30:00Z'), end: at('2026-03-01T18:45:00Z'), notes: 'after' });
      const day1 = await rows(c, 'from=2026-03-01&to=2026-03-01');
      expect(day1.map((r) => [r[0], r[1], r[2], r[3], r[7]])).to.deep.equal([
        ['2026-03-01', '00:00', '00:30', '0.50', 'first'],
        ['2026-03-01', '23:30', '00:30', '1.00', 'crosses midnight'],
      ]);
      expect((await rows(c, 'from=2026-03-02&to=2026-03-02')).map((r) => [r[0], r[1], r[7]])).to.deep.equal([['2026-03-02', '00:00', 'after']]);
    });

    it('covers the 23-hour DST day (2026-03-08 in Los Angeles) exactly', async () => {
      const { user, project, c } = await member({ timezone: 'America/Los_Angeles' });
      // 00:00 PST = 08:00Z; clocks jump from 02:00 to 03:00 at 10:00Z; next midnight (PDT) = 2026-03-09T07:00Z.
      await makeEntry(user, project, { start: at('2026-03-08T08:00:00Z'), end: at('2026-03-09T07:00:00Z'), notes: 'whole day' });
      await makeEntry(user, project, { start: at('2026-03-08T10:30:00Z'), end: at('2026-03-08T11:00:00Z'), notes: 'after the jump' });
      await makeEntry(user, project, { start: at('2026-03-09T06:59:00Z'), end: at('2026-03-09T07:00:00Z'), notes: 'last minute' });
      await makeEntry(user, project, { start: at('2026-03-09T07:00:00Z'), end: at('2026-03-09T07:30:00Z'), notes: 'next day' });
      expect((await rows(c, 'from=2026-03-08&to=2026-03-08')).map((r) => [r[0], r[1], r[2], r[3], r[7]])).to.deep.equal([
        ['2026-03-08', '00:00', '00:00', '23.00', 'whole day'],
        ['2026-03-08', '03:30', '04:00', '0.50', 'after the jump'],
        ['2026-03-08', '23:59', '00:00', '0.02', 'last minute'],
      ]);
      expect((await rows(c, 'from=2026-03-09&to=2026-03-09')).map((r) => [r[0], r[1], r[7]])).to.deep.equal([['2026-03-09', '00:00', 'next day']]);
    });

    it('quotes by RFC 4180 and defuses spreadsheet formulas in notes', async () => {
      const { user, project, c } = await member();
      const notes = ['a, b', 'say "hi"', 'line 1\nline 2', '=SUM(A1)', '+1', '-2', '@x', '\tindented', '=HYPERLINK("http://evil","x,y")'];
      for (const [i, n] of notes.entries()) await makeEntry(user, project, { start: at(`2026-03-02T0${i}:00:00Z`), end: at(`2026-03-02T0${i}:30:00Z`), notes: n });
      const res = await csv(c, 'from=2026-03-02&to=2026-03-02');
      const cells = res.text.split('\r\n').slice(1, -1).map((line) => line.slice(line.indexOf(',Website,,') + ',Website,,'.length, line.lastIndexOf(',false,manual')));
      expect(cells).to.deep.equal(['"a, b"', '"say ""hi"""', '"line 1\nline 2"', "'=SUM(A1)", "'+1", "'-2", "'@x", "'\tindented", `"'=HYPERLINK(""http://evil"",""x,y"")"`]);
      expect(records(res.text).slice(1).map((r) => r[7])).to.deep.equal(notes.map((n) => (/^[=+\-@\t]/.test(n) ? `'${n}` : n)));
    });

    it('defuses formulas in project and task names and display names too', async () => {
      const user = await makeUser({ full_name: '@admin' });
      const project = await makeProject({ name: '=cmd|calc', members: [user] });
      const task = await makeTask(project, { name: '+task' });
      await makeEntry(user, project, { start: at('2026-03-02T09:00:00Z'), end: at('2026-03-02T10:00:00Z'), task });
      const [row] = await rows(await loginAs(srv, user), 'from=2026-03-02&to=2026-03-02');
      expect(row.slice(4, 7)).to.deep.equal(["'@admin", "'=cmd|calc", "'+task"]);
    });

    describe('access', () => {
      async function twoUsersAndAdmin() {
        const a = await member({ full_name: 'Ann' });
        const b = await makeUser({ full_name: 'Bob' });
        const admin = await makeAdmin({ full_name: 'Root' });
        await makeEntry(a.user, a.project, { start: at('2026-03-02T09:00:00Z') });
        await makeEntry(b, a.project, { start: at('2026-03-02T10:00:00Z') });
        await makeEntry(admin, a.project, { start: at('2026-03-02T11:00:00Z') });
        return { ...a, b, admin, ac: await loginAs(srv, admin) };
      }
      const users = (rs: string[][]) => rs.map((r) => r[4]);

      it('a user sees only their own entries and cannot export another user\'s (403)', async () => {
        const { user, b, c } = await twoUsersAndAdmin();
        expect(users(await rows(c, 'from=2026-03-02&to=2026-03-02'))).to.deep.equal(['Ann']);
        expect(users(await rows(c, `from=2026-03-02&to=2026-03-02&user_id=${user.id}`))).to.deep.equal(['Ann']);
        const res = await csv(c, `from=2026-03-02&to=2026-03-02&user_id=${b.id}`);
        expect(res.status).to.equal(403);
        expect(res.body).to.deep.equal({ ok: false, error: 'Only admins may report on other users' });
        expect((await csv(c, 'from=2026-03-02&to=2026-03-02&user_id=99999')).status, 'unknown users look the same').to.equal(403);
      });

      it('an admin exports one user\'s entries with user_id and everyone\'s without', async () => {
        const { b, ac } = await twoUsersAndAdmin();
        expect(users(await rows(ac, `from=2026-03-02&to=2026-03-02&user_id=${b.id}`))).to.deep.equal(['Bob']);
        expect(users(await rows(ac, 'from=2026-03-02&to=2026-03-02'))).to.deep.equal(['Ann', 'Bob', 'Root']);
        const res = await csv(ac, 'from=2026-03-02&to=2026-03-02&user_id=99999');
        expect([res.status, res.body]).to.deep.equal([404, { ok: false, error: 'User not found' }]);
      });

      it('project_id limits to a project the user may use: 403 for another one, 404 for an unknown one', async () => {
        const { user, project, c } = await member();
        const other = await makeProject({ name: 'Other', members: [user] });
        const foreign = await makeProject({ name: 'Foreign' });
        await makeEntry(user, project, { start: at('2026-03-02T09:00:00Z') });
        await makeEntry(user, other, { start: at('2026-03-02T10:00:00Z') });
        expect((await rows(c, `from=2026-03-02&to=2026-03-02&project_id=${other.id}`)).map((r) => r[5])).to.deep.equal(['Other']);
        const res = await csv(c, `from=2026-03-02&to=2026-03-02&project_id=${foreign.id}`);
        expect([res.status, res.body]).to.deep.equal([403, { ok: false, error: 'You may not report on this project (not a member)' }]);
        const unknown = await csv(c, 'from=2026-03-02&to=2026-03-02&project_id=99999');
        expect([unknown.status, unknown.body]).to.deep.equal([404, { ok: false, error: 'Project not found' }]);
      });

      it('refuses without a session (401)', async () => {
        expect((await srv.client().get('/api/reports/time-entries.csv?from=2026-03-02&to=2026-03-02')).status).to.equal(401);
      });
    });

    it('billable=true / false exports only billable or only non-billable entries, like the summary with the same filters', async () => {
      const { user, project, c } = await member();
      await makeEntry(user, project, { start: at('2026-03-02T09:00:00Z'), end: at('2026-03-02T10:00:00Z'), billable: true, notes: 'paid' });
      await makeEntry(user, project, { start: at('2026-03-02T11:00:00Z'), end: at('2026-03-02T11:30:00Z'), billable: false, notes: 'internal' });
      const cells = (rs: string[][]) => rs.map((r) => [r[7], r[8], r[3]]);
      expect(cells(await rows(c, 'from=2026-03-02&to=2026-03-02&billable=true'))).to.deep.equal([['paid', 'true', '1.00']]);
      expect(cells(await rows(c, 'from=2026-03-02&to=2026-03-02&billable=false'))).to.deep.equal([['internal', 'false', '0.50']]);
      expect(cells(await rows(c, 'from=2026-03-02&to=2026-03-02'))).to.have.length(2);
      const sum = await c.get('/api/reports/summary?from=2026-03-02&to=2026-03-02&group_by=project&billable=false');
      expect(sum.body.total_seconds).to.equal(1800);
      const bad = await csv(c, 'from=2026-03-02&to=2026-03-02&billable=yes');
      expect([bad.status, bad.body.fields]).to.deep.equal([400, { billable: 'must be true or false' }]);
    });

    describe('input', () => {
      it('allows 366 days and refuses 367 with a clear message', async () => {
        const { c } = await member();
        expect((await csv(c, 'from=2024-01-01&to=2024-12-31')).status, 'a leap year').to.equal(200);
        expect((await csv(c, 'from=2025-03-01&to=2026-03-01')).status).to.equal(200);
        const res = await csv(c, 'from=2025-03-01&to=2026-03-02');
        expect(res.status).to.equal(400);
        expect(res.body).to.deep.equal(refused('to: the range may cover at most 366 days (2025-03-01 to 2026-03-02 covers 367)'));
      });

      it('lists every invalid field in one 400 and changes nothing', async () => {
        const { user, project, c } = await member();
        await makeEntry(user, project, { start: at('2026-03-02T09:00:00Z') });
        const before = await TimeEntry.findAll({ raw: true });
        const res = await csv(c, 'from=2026-02-30&to=yesterday&project_id=abc&user_id=-1');
        expect(res.status).to.equal(400);
        expect(res.body.fields).to.deep.equal({
          from: 'must be a date (YYYY-MM-DD)',
          to: 'must be a date (YYYY-MM-DD)',
          project_id: 'must be a number',
          user_id: 'must be a positive id',
        });
        expect(res.body.error).to.equal('from: must be a date (YYYY-MM-DD); to: must be a date (YYYY-MM-DD); project_id: must be a number; user_id: must be a positive id');
        const cases: Array<[string, Record<string, string>]> = [
          ['', { from: 'is required', to: 'is required' }],
          ['from=2026-03-05&to=2026-03-04', { to: 'must not be before from' }],
          ['from=2026-3-5&to=20260306', { from: 'must be a date (YYYY-MM-DD)', to: 'must be a date (YYYY-MM-DD)' }],
          ['from=2026-03-05&to=2026-03-04&project_id=99999', { to: 'must not be before from', project_id: 'project not found' }],
          ['from=x&to=2026-03-04&user_id=99999', { from: 'must be a date (YYYY-MM-DD)', user_id: 'only admins may report on other users' }],
        ];
        for (const [query, fields] of cases) {
          const r = await csv(c, query);
          expect(r.status, query).to.equal(400);
          expect(r.body.fields, query).to.deep.equal(fields);
        }
        expect(await TimeEntry.findAll({ raw: true })).to.deep.equal(before);
      });
    });

    /** `count` entries from 2026-01-01 on, three per start time (so pages of 1,000 end inside a tie), notes "entry <n>". */
    async function bulkEntries(user: User, project: Project, count: number) {
      await db().query(
        `INSERT INTO time_entries (user_id, project_id, start_time, end_time, duration_seconds, notes, source, billable)
         SELECT $1, $2, s.t, s.t + interval '30 minutes', 1800, 'entry ' || g, 'manual', g % 2 = 0
           FROM generate_series(1, $3::integer) g, LATERAL (SELECT timestamptz '2026-01-01T00:00:00Z' + (g / 3) * interval '1 minute' AS t) s
          ORDER BY g`,
        { bind: [user.id, project.id, count] },
      );
    }

    it('streams 100,000 entries page by page: the answer arrives before the last page is read', async function () {
      this.timeout(300_000);
      const { user, project, c } = await member();
      await bulkEntries(user, project, 100_000);
      let pages = 0;
      db().addHook('afterQuery', 'countReportPages', (_options, query) => {
        if ((query as { sql?: string }).sql?.includes('time-entries csv page')) pages++;
      });
      try {
        const res = await fetch(`${srv.url}/api/reports/time-entries.csv?from=2026-01-01&to=2026-02-28`, { headers: { Cookie: c.cookieHeader } });
        expect(res.status).to.equal(200);
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let pagesAtFirstBytes = -1;
        let text = '';
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          if (pagesAtFirstBytes < 0) pagesAtFirstBytes = pages;
          text += decoder.decode(chunk.value, { stream: true });
        }
        expect(pages, 'one query per page of 1,000').to.be.at.least(100);
        expect(pagesAtFirstBytes, 'pages read when the first bytes arrived').to.be.within(1, 50);
        const lines = text.split('\r\n');
        expect(lines).to.have.length(100_002);
        expect(lines[0]).to.equal(HEADER);
        expect(lines.at(-1)).to.equal('');
        const notes = lines.slice(1, -1).map((l) => l.split(',')[7]);
        expect(notes.every((n, i) => n === `entry ${i + 1}`), 'every entry once, in (start, id) order').to.equal(true);
      } finally {
        db().removeHook('afterQuery', 'countReportPages');
      }
    });
  });

  describe('GET /api/reports/time-entries.csv when a later page fails', () => {
    it('cuts the download short (the connection closes) instead of leaving it open or completing it', async () => {
      const { user, project, c } = await member({ timezone: 'Pacific/Chatham' });
      await db().query(
        `INSERT INTO time_entries (user_id, project_id, start_time, end_time, duration_seconds, source)
         SELECT $1, $2, t, t + interval '1 minute', 60, 'manual' FROM generate_series(timestamptz '2026-01-02T00:00:00Z', timestamptz '2026-01-05T00:00:00Z', interval '1 minute') t`,
        { bind: [user.id, project.id] },
      );
      // The page queries after the first carry a cursor: more bind values than the filter's five.
      db().addHook('beforeQuery', 'failLaterPages', (options: { bind?: unknown[] }) => {
        if (options.bind?.[0] === 'Pacific/Chatham' && options.bind.length > 5) throw new Error('page query failed');
      });
      try {
        const res = await fetch(`${srv.url}/api/reports/time-entries.csv?from=2026-01-01&to=2026-01-31`, { headers: { Cookie: c.cookieHeader } });
        expect(res.status, 'the first page was sent').to.equal(200);
        const failure = await res.text().then(
          (text) => new Error(`complete answer of ${text.length} characters`),
          (err: Error) => err,
        );
        expect(failure.message).to.equal('terminated');
      } finally {
        db().removeHook('beforeQuery', 'failLaterPages');
      }
    });
  });

  describe('GET /api/reports/summary', () => {
    const summary = (c: TestClient, query: string) => c.get(`/api/reports/summary?${query}`);

    async function week(attrs: Parameters<typeof makeUser>[0] = {}) {
      const m = await member({ full_name: 'Ann', ...attrs });
      const api = await makeProject({ name: 'API', members: [m.user] });
      const task = await makeTask(m.project, { name: 'Design' });
      await makeEntry(m.user, m.project, { start: at('2026-03-02T09:00:00Z'), end: at('2026-03-02T10:00:00Z'), task, billable: true });
      await makeEntry(m.user, m.project, { start: at('2026-03-04T09:00:00Z'), end: at('2026-03-04T09:30:00Z'), billable: false });
      await makeEntry(m.user, api, { start: at('2026-03-04T12:00:00Z'), end: at('2026-03-04T14:00:00Z'), billable: true });
      await makeEntry(m.user, api, { start: at('2026-03-10T12:00:00Z'), end: at('2026-03-10T14:00:00Z'), billable: true });
      return { ...m, api, task };
    }

    it('groups by project with totals and the billable share', async () => {
      const { project, api, c } = await week();
      const res = await summary(c, 'from=2026-03-01&to=2026-03-07&group_by=project');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        ok: true,
        from: '2026-03-01',
        to: '2026-03-07',
        group_by: 'project',
        total_seconds: 12_600,
        billable_seconds: 10_800,
        groups: [
          { key: api.id, label: 'API', seconds: 7200, billable_seconds: 7200, entries: 1 },
          { key: project.id, label: 'Website', seconds: 5400, billable_seconds: 3600, entries: 2 },
        ],
      });
    });

    it('groups by task, entries without a task last (key null)', async () => {
      const { task, c } = await week();
      const res = await summary(c, 'from=2026-03-01&to=2026-03-07&group_by=task');
      expect(res.body.groups).to.deep.equal([
        { key: task.id, label: 'Design', seconds: 3600, billable_seconds: 3600, entries: 1 },
        { key: null, label: 'No task', seconds: 9000, billable_seconds: 7200, entries: 2 },
      ]);
    });

    it('groups by local day: every day of the range, zeros included, in order', async () => {
      const { c } = await week({ timezone: 'Asia/Kolkata' });
      const res = await summary(c, 'from=2026-03-01&to=2026-03-05&group_by=day');
      expect(res.body.groups).to.deep.equal([
        { key: '2026-03-01', label: '2026-03-01', seconds: 0, billable_seconds: 0, entries: 0 },
        { key: '2026-03-02', label: '2026-03-02', seconds: 3600, billable_seconds: 3600, entries: 1 },
        { key: '2026-03-03', label: '2026-03-03', seconds: 0, billable_seconds: 0, entries: 0 },
        { key: '2026-03-04', label: '2026-03-04', seconds: 9000, billable_seconds: 7200, entries: 2 },
        { key: '2026-03-05', label: '2026-03-05', seconds: 0, billable_seconds: 0, entries: 0 },
      ]);
      expect(res.body.total_seconds).to.equal(12_600);
    });

    it('puts entries on their local start day across midnight and the 23-hour DST day', async () => {
      const { user, project, c } = await member({ timezone: 'America/Los_Angeles' });
      await makeEntry(user, project, { start: at('2026-03-08T07:30:00Z'), end: at('2026-03-08T08:30:00Z') }); // 03-07 23:30 PST
      await makeEntry(user, project, { start: at('2026-03-08T08:00:00Z'), end: at('2026-03-09T07:00:00Z') }); // all of 03-08
      await makeEntry(user, project, { start: at('2026-03-09T07:00:00Z'), end: at('2026-03-09T07:15:00Z') }); // 03-09 00:00 PDT
      const res = await summary(c, 'from=2026-03-07&to=2026-03-09&group_by=day');
      expect(res.body.groups.map((g: { key: string; seconds: number }) => [g.key, g.seconds])).to.deep.equal([
        ['2026-03-07', 3600],
        ['2026-03-08', 23 * 3600],
        ['2026-03-09', 900],
      ]);
    });

    it('counts a running entry up to now', async () => {
      const { user, project, c } = await member();
      const start = new Date(Date.now() - 3600_000);
      await makeEntry(user, project, { start, end: null, billable: true });
      const day = start.toISOString().slice(0, 10);
      const res = await summary(c, `from=${day}&to=${day}&group_by=project`);
      expect(res.body.total_seconds).to.be.within(3600, 3660);
      expect(res.body.billable_seconds).to.equal(res.body.total_seconds);
      expect(res.body.groups[0].entries).to.equal(1);
    });

    it('filters by billable and project', async () => {
      const { api, c } = await week();
      const billable = await summary(c, 'from=2026-03-01&to=2026-03-31&group_by=project&billable=true');
      expect(billable.body.groups.map((g: { label: string; seconds: number }) => [g.label, g.seconds])).to.deep.equal([['API', 14_400], ['Website', 3600]]);
      const notBillable = await summary(c, 'from=2026-03-01&to=2026-03-31&group_by=project&billable=false');
      expect([notBillable.body.total_seconds, notBillable.body.billable_seconds]).to.deep.equal([1800, 0]);
      const one = await summary(c, `from=2026-03-01&to=2026-03-31&group_by=day&project_id=${api.id}`);
      expect(one.body.groups).to.have.length(31);
      expect(one.body.total_seconds).to.equal(14_400);
    });

    it('groups by user for admins only; user_id only for admins', async () => {
      const { user, project, c } = await week();
      const admin = await makeAdmin({ username: 'root' });
      await makeEntry(admin, project, { start: at('2026-03-03T09:00:00Z'), end: at('2026-03-03T09:15:00Z') });
      const ac = await loginAs(srv, admin);
      const res = await summary(ac, 'from=2026-03-01&to=2026-03-07&group_by=user');
      expect(res.body.groups).to.deep.equal([
        { key: user.id, label: 'Ann', seconds: 12_600, billable_seconds: 10_800, entries: 3 },
        { key: admin.id, label: 'root', seconds: 900, billable_seconds: 0, entries: 1 },
      ]);
      expect((await summary(ac, `from=2026-03-01&to=2026-03-07&group_by=project&user_id=${admin.id}`)).body.total_seconds).to.equal(900);
      const mine = await summary(c, 'from=2026-03-01&to=2026-03-07&group_by=project');
      expect(mine.body.total_seconds, 'a user counts only their own entries').to.equal(12_600);
      const byUser = await summary(c, 'from=2026-03-01&to=2026-03-07&group_by=user');
      expect([byUser.status, byUser.body]).to.deep.equal([403, { ok: false, error: 'Only admins may group by user' }]);
      const other = await summary(c, `from=2026-03-01&to=2026-03-07&group_by=project&user_id=${admin.id}`);
      expect([other.status, other.body]).to.deep.equal([403, { ok: false, error: 'Only admins may report on other users' }]);
    });

    it('validates like the export: every invalid field, the 366-day limit', async () => {
      const { c } = await member();
      const res = await summary(c, 'from=2026-01-01&to=2027-01-02&group_by=week&billable=maybe&project_id=0');
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.deep.equal({
        group_by: 'must be one of project, task, day, user',
        billable: 'must be true or false',
        project_id: 'must be a positive id',
        to: 'the range may cover at most 366 days (2026-01-01 to 2027-01-02 covers 367)',
      });
      expect((await summary(c, 'from=2026-01-01&to=2026-01-02')).body).to.deep.equal(refused('group_by: is required'));
    });
  });
});
