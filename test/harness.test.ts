// The test harness itself: a run leaves no temporary directory behind, however it ends.
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FIXTURE = 'test/fixtures/tempCleanup.fixture.ts';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the fixture in a child mocha whose system temp directory is `tmp`; `interrupt` sends Ctrl+C's SIGINT once it is running. */
function runFixture(tmp: string, end: 'fail' | 'exit' | 'interrupt'): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, TMPDIR: tmp, TSX_DISABLE_CACHE: '1', FIXTURE_END: end };
  delete env.TEST_DATABASE_URL;
  const child = spawn(process.execPath, ['node_modules/mocha/bin/mocha.js', FIXTURE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer) => {
    output += d;
    if (end === 'interrupt' && output.includes('FIXTURE READY') && !child.killed) child.kill('SIGINT');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, output });
    }),
  );
}

/** Processes whose command line mentions `dir` (a PostgreSQL left running there). */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dir)) found.push(`${pid}: ${cmd}`);
    } catch {
      /* gone */
    }
  }
  return found;
}

describe('test harness: temporary directories', function () {
  this.timeout(120_000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-harness-'));
    fs.chmodSync(tmp, 0o755); // the embedded PostgreSQL (user postgres when we are root) works inside
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const [end, expected] of [
    ['fail', 'a failing test (the root afterAll hook stops and deletes the cluster)'],
    ['exit', 'process.exit() in the middle of a test (the exit handler stops PostgreSQL, then deletes)'],
    ['interrupt', 'Ctrl+C (SIGINT) in the middle of a test'],
  ] as const) {
    it(`leaves the temp directory empty after ${expected}`, async () => {
      const run = await runFixture(tmp, end);
      if (end === 'fail') expect(run.output, run.output).to.include('1 failing').and.include('fails on purpose');
      if (end === 'interrupt') expect(run.output, run.output).to.include('FIXTURE READY');
      expect(run.code === 0 && run.signal === null, `the fixture run must not succeed:\n${run.output}`).to.equal(false);
      expect(fs.readdirSync(tmp), run.output).to.deep.equal([]);
      expect(processesUsing(tmp)).to.deep.equal([]);
    });
  }
});
