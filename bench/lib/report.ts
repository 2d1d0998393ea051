// Results: one entry per measured run and one per target, written as bench/results/latest.json
// and a Markdown table (bench/results/latest.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import type { LoadResult } from './load.js';
import type { RssReport } from './rss.js';

export interface RunRecord {
  scenario: number;
  label: string;
  /** 'measured' or 'baseline' */
  kind: 'measured' | 'baseline';
  load?: LoadResult;
  /** Wall time of a job or a start-up (ms). */
  ms?: number;
  rss?: RssReport;
  extra?: Record<string, unknown>;
}

export interface TargetRecord {
  scenario: number;
  metric: string;
  value: number | null;
  baseline: number | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  note?: string;
}

export interface ScenarioMeta {
  id: number;
  title: string;
  measures: string;
  baseline: string;
  error?: string;
  seconds?: number;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  mode: 'quick' | 'full';
  machine: Record<string, string | number>;
  scenarios: ScenarioMeta[];
  runs: RunRecord[];
  targets: TargetRecord[];
}

export function machineInfo(): Record<string, string | number> {
  const sh = (cmd: string) => {
    try {
      return execSync(cmd, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    nproc: sh('nproc'),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory: sh("free -h | awk '/^Mem:/ {print $2}'"),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadavg_at_start: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '–' : Number(v.toFixed(digits)).toString());

export function toMarkdown(r: BenchReport): string {
  const lines: string[] = [];
  lines.push(`# Benchmark results (${r.mode} mode)`, '');
  lines.push(`Run ${r.startedAt} → ${r.finishedAt}. Machine: ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memory} RAM, Node ${r.machine.node}, load average at start ${r.machine.loadavg_at_start}.`, '');
  lines.push('## Targets', '');
  lines.push('| # | metric | measured | baseline | ratio | target | result |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const t of r.targets) {
    const result = t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL';
    lines.push(`| ${t.scenario} | ${t.metric} | ${fmt(t.value, 2)} | ${fmt(t.baseline, 2)} | ${fmt(t.ratio, 2)} | ${t.target} | ${result}${t.note ? ` (${t.note})` : ''} |`);
  }
  lines.push('', '## Runs', '');
  lines.push('| # | run | kind | requests | req/s | p50 ms | p99 ms | non-2xx | errors | time ms | peak RSS MB | CPU % |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.runs) {
    const l = x.load;
    lines.push(
      `| ${x.scenario} | ${x.label} | ${x.kind} | ${l ? l.requests : '–'} | ${fmt(l?.rps)} | ${fmt(l?.p50)} | ${fmt(l?.p99)} | ${l ? l.non2xx : '–'} | ${l ? l.errors + l.timeouts : '–'} | ${fmt(x.ms, 0)} | ${fmt(x.rss?.peakRssMb ?? x.rss?.hwmMb)} | ${fmt(x.rss?.cpuPct ?? null, 0)} |`,
    );
  }
  const failed = r.scenarios.filter((s) => s.error);
  if (failed.length) {
    lines.push('', '## Scenarios that could not run', '');
    for (const s of failed) lines.push(`- ${s.id}. ${s.title}: ${s.error}`);
  }
  lines.push('', '## What each scenario measures', '');
  for (const s of r.scenarios) lines.push(`${s.id}. **${s.title}** (${fmt(s.seconds ?? null, 0)} s): ${s.measures} Baseline: ${s.baseline}`);
  return `${lines.join('\n')}\n`;
}

export function writeReport(r: BenchReport, dir: string, name = 'latest'): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${name}.json`);
  const md = path.join(dir, `${name}.md`);
  fs.writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  fs.writeFileSync(md, toMarkdown(r));
  return { json, md };
}
