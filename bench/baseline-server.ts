// The benchmark's baseline: a bare Koa app on the same machine, with the same Sequelize pool
// settings as the server (src/db/sequelize.ts), whose routes do the least possible database work:
//   POST /ingest  reads the raw body and inserts one row (baseline for webhook ingest)
//   POST /select  reads the raw body and runs one indexed SELECT (baseline for Slack commands)
// Run as its own process: DATABASE_URL=... PORT=... node --import tsx bench/baseline-server.ts
import http from 'node:http';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { QueryTypes } from 'sequelize';
import { createSequelize } from '../src/db/sequelize.js';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const sequelize = createSequelize(url);
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
