// The benchmark's baseline: a bare Koa app on the same machine, with the same Sequelize pool
// settings as the server (src/db/sequelize.ts), whose routes do the least possible database work:
//   POST /ingest  reads the raw body and inserts one row (baseline for webhook ingest)
//   POST /select  reads the raw body and runs one indexed SELECT (baseline for Slack commands)
//   GET /csv-export?user_id=&from=&to=  the CSV export as it is usually first written: every entry
//                 loaded with Sequelize findAll (user, project, task included), the whole file built
//                 as one string, then sent (baseline for the streamed export's memory, scenario 8)
// Run as its own process: DATABASE_URL=... PORT=... node --import tsx bench/baseline-server.ts
import http from 'node:http';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { Op, QueryTypes } from 'sequelize';
import { createSequelize } from '../src/db/sequelize.js';
import { initModels, Project, Task, TimeEntry, User } from '../src/models/index.js';
import { csvLine, hoursText } from '../src/services/csv.js';
import { CSV_HEADER } from '../src/services/reportCsv.js';

const hhmm = (d: Date | null) => (d ? d.toISOString().slice(11, 16) : '');

/** The whole export in memory: findAll, then one string (times in UTC, like a UTC user's export). */
async function csvInMemory(userId: number, from: Date, to: Date): Promise<string> {
  const entries = await TimeEntry.findAll({
    where: { user_id: userId, start_time: { [Op.gte]: from, [Op.lt]: to } },
    include: [{ model: User, as: 'user' }, { model: Project, as: 'project' }, { model: Task, as: 'task' }],
    order: [['start_time', 'ASC'], ['id', 'ASC']],
  });
  const rows = entries.map((e) => {
    const x = e as TimeEntry & { user: User; project: Project; task: Task | null };
    const seconds = x.duration_seconds ?? 0;
    return csvLine([x.start_time.toISOString().slice(0, 10), hhmm(x.start_time), hhmm(x.end_time), hoursText(seconds), x.user.full_name || x.user.username,
      x.project.name, x.task?.name ?? '', x.notes ?? '', x.billable, x.source]);
  });
  return csvLine(CSV_HEADER) + rows.join('');
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const sequelize = createSequelize(url);
  initModels(sequelize);
  await sequelize.query(`CREATE TABLE IF NOT EXISTS bench_baseline (
    id BIGSERIAL PRIMARY KEY, delivery_id VARCHAR(200) NOT NULL, size INTEGER NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/readyz') {
      ctx.body = { ok: true };
    } else if (ctx.method === 'POST' && ctx.path === '/ingest') {
      const raw = await getRawBody(ctx.req, { limit: 1024 * 1024 });
      const rows = await sequelize.query<{ id: string }>(
        'INSERT INTO bench_baseline (delivery_id, size) VALUES ($1, $2) RETURNING id',
        { bind: [ctx.get('x-github-delivery') || 'none', raw.length], type: QueryTypes.SELECT },
      );
      ctx.body = { ok: true, id: Number(rows[0].id) };
    } else if (ctx.method === 'POST' && ctx.path === '/select') {
      await getRawBody(ctx.req, { limit: 1024 * 1024 });
      const rows = await sequelize.query('SELECT id, username FROM users WHERE id = $1', { bind: [1], type: QueryTypes.SELECT });
      ctx.body = { response_type: 'ephemeral', text: `rows: ${rows.length}` };
    } else if (ctx.method === 'GET' && ctx.path === '/csv-export') {
      const q = ctx.query as Record<string, string>;
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = await csvInMemory(Number(q.user_id), new Date(q.from), new Date(q.to));
    } else {
      ctx.status = 404;
    }
  });
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 5_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const stop = () => server.close(() => void sequelize.close().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`baseline server failed: ${String(err)}\n`);
  process.exit(1);
});
