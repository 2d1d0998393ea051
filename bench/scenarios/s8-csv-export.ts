// Scenario 8: memory of the time-entries CSV export. 100,000 entries of one user over one year,
// downloaded in full through HTTP from the real server (streamed, 1,000 rows per page), while the
// server's resident memory is sampled every 100 ms. Baseline, same run, same database: the export
// as it is usually first written (bench/baseline-server.ts GET /csv-export: Sequelize findAll with
// the user, project and task included, the whole file built as one string, then sent). Each side
// is downloaded twice, alternating; the growth is the highest sampled RSS minus the RSS just
// before the request, the larger of the two rounds.
import type { BenchContext } from '../lib/context.js';
import { ratio } from '../lib/context.js';
import { readKb, RssSampler } from '../lib/rss.js';
import { createOwner, createWorld } from '../lib/world.js';
import { settle, startBaseline } from './appWorld.js';

export const meta = {
  id: 8,
  title: 'CSV export memory, 100,000 entries',
  measures:
    'growth of the server process\'s resident memory (peak during the download minus just before it) while GET /api/reports/time-entries.csv streams 100,000 entries of one year; the answer is read in full and its lines counted.',
  baseline: 'the same export written the usual way in a bare Koa process on the same database: Sequelize findAll with includes, the whole CSV built as one string, then sent.',
};

export const ENTRIES = 100_000;
/** Our growth must stay under this (measured: see docs/performance.md); the baseline needs several times more. */
export const LIMIT_MB = 64;
const YEAR = { from: '2025-01-01', to: '2025-12-31' };

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

/** Reads a download to the end without keeping it: bytes and CRLF lines. */
async function download(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number; lines: number; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(300_000) });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
  }
  return { status: res.status, bytes, lines, ms: Date.now() - started };
}

/** One download while sampling `pid`; growth over the RSS right before it. */
async function measured(pid: number, readyUrl: string, url: string, headers: Record<string, string>) {
  await settle(readyUrl);
  const beforeKb = readKb(pid, 'VmRSS') ?? 0;
  const sampler = new RssSampler(pid).start(50);
  const d = await download(url, headers);
  const rss = sampler.stop();
  if (d.status !== 200) throw new Error(`${url}: HTTP ${d.status}`);
  return { ...d, beforeMb: mb(beforeKb), peakMb: rss.peakRssMb ?? 0, growthMb: Math.round(((rss.peakRssMb ?? 0) - mb(beforeKb)) * 10) / 10, cpuPct: rss.cpuPct };
}

export async function run(ctx: BenchContext): Promise<void> {
  ctx.log('scenario 8: starting PostgreSQL and the server');
  const world = await createWorld();
  let baseline: Awaited<ReturnType<typeof startBaseline>> | null = null;
  try {
    const server = await world.startServer();
    const owner = await createOwner(await world.admin(server), 'exporter', { timezone: 'UTC' });
    const t = Date.now();
    // One entry every 5 minutes from 2025-01-01 (347 days), 25 minutes each, every third with a
    // task-less note that needs quoting, half of them billable.
    await world.db.query(
      `INSERT INTO time_entries (user_id, project_id, start_time, end_time, duration_seconds, notes, source, billable)
       SELECT $1, $2, s.t, s.t + interval '25 minutes', 1500,
              CASE WHEN g % 3 = 0 THEN 'Call with client, "weekly" sync ' || g ELSE 'entry ' || g END, 'manual', g % 2 = 0
         FROM generate_series(1, $3::integer) g,
              LATERAL (SELECT timestamptz '2025-01-01T00:00:00Z' + (g - 1) * interval '5 minutes' AS t) s`,
      { bind: [owner.userId, owner.projectId, ENTRIES] },
    );
    await world.db.query('ANALYZE time_entries');
    ctx.log(`scenario 8: ${ENTRIES.toLocaleString('en')} entries inserted in ${Date.now() - t} ms`);
    baseline = await startBaseline(world.dbUrl);
    const cookie = owner.client.cookieHeader;
    const ours = {
      pid: server.pid,
      readyUrl: server.url,
      url: (r: typeof YEAR) => `${server.url}/api/reports/time-entries.csv?from=${r.from}&to=${r.to}`,
      headers: { cookie },
    };
    const b = baseline;
    const theirs = {
      pid: b.proc.pid,
      readyUrl: b.url,
      url: (r: typeof YEAR) => `${b.url}/csv-export?user_id=${owner.userId}&from=${r.from}T00:00:00Z&to=${r.to}T23:59:59.999Z`,
      headers: {},
    };
    // Warm-up: one day each, so the code paths and pool connections exist before measuring.
    for (const side of [ours, theirs]) await download(side.url({ from: '2025-01-02', to: '2025-01-02' }), side.headers);
    const results = { ours: [] as Array<Awaited<ReturnType<typeof measured>>>, theirs: [] as Array<Awaited<ReturnType<typeof measured>>> };
    for (let round = 1; round <= 2; round++) {
      for (const [name, side] of [['ours', ours], ['theirs', theirs]] as const) {
        const r = await measured(side.pid, side.readyUrl, side.url(YEAR), side.headers);
        if (r.lines !== ENTRIES + 1) throw new Error(`${name}: ${r.lines} lines, expected ${ENTRIES + 1}`);
        results[name].push(r);
        ctx.log(`scenario 8: round ${round} ${name}: ${r.lines} lines, ${(r.bytes / 1e6).toFixed(1)} MB in ${r.ms} ms, RSS ${r.beforeMb} → ${r.peakMb} MB (+${r.growthMb})`);
      }
    }
    const worst = (rs: typeof results.ours) => rs.reduce((a, x) => (x.growthMb > a.growthMb ? x : a));
    const o = worst(results.ours);
    const th = worst(results.theirs);
    for (const [kind, label, rs, w] of [['measured', 'streamed CSV export', results.ours, o], ['baseline', 'findAll + string CSV export (baseline)', results.theirs, th]] as const) {
      ctx.runs.push({
        scenario: 8,
        label: `${label}, ${ENTRIES.toLocaleString('en')} entries (${(w.bytes / 1e6).toFixed(1)} MB)`,
        kind,
        ms: Math.max(...rs.map((x) => x.ms)),
        rss: { peakRssMb: Math.max(...rs.map((x) => x.peakMb)), hwmMb: mb(readKb(kind === 'measured' ? ours.pid : theirs.pid, 'VmHWM') ?? 0), cpuPct: w.cpuPct },
        extra: { growthMbPerRound: rs.map((x) => x.growthMb), rssBeforeMb: rs.map((x) => x.beforeMb), msPerRound: rs.map((x) => x.ms) },
      });
    }
    ctx.targets.push({
      scenario: 8,
      metric: `RSS growth during the export of ${ENTRIES.toLocaleString('en')} entries (MB)`,
      value: o.growthMb,
      baseline: th.growthMb,
      ratio: ratio(o.growthMb, th.growthMb),
      target: `< ${LIMIT_MB} MB`,
      pass: o.growthMb < LIMIT_MB,
    });
    ctx.targets.push({
      scenario: 8,
      metric: `export time, ${ENTRIES.toLocaleString('en')} entries (ms)`,
      value: Math.max(...results.ours.map((x) => x.ms)),
      baseline: Math.max(...results.theirs.map((x) => x.ms)),
      ratio: ratio(Math.max(...results.ours.map((x) => x.ms)), Math.max(...results.theirs.map((x) => x.ms))),
      target: 'reported',
      pass: null,
    });
  } finally {
    await baseline?.proc.stop(15_000);
    await world.close();
  }
}
