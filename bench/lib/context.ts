// What every scenario gets: the mode's sizes and durations, and where to record runs and targets.
import type { RunRecord, TargetRecord } from './report.js';

export interface BenchContext {
  quick: boolean;
  /** Seconds per load run. */
  durationSec: number;
  connections: number;
  /** Integrations (GitHub and Slack each) for the routing-cost run. */
  routingIntegrations: number;
  googleUsers: number;
  googleLatencyMs: number;
  /** Users measured one by one for the sequential Google baseline (extrapolated to googleUsers). */
  sequentialSample: number;
  runs: RunRecord[];
  targets: TargetRecord[];
  log(message: string): void;
}

export function modeFor(quick: boolean): Omit<BenchContext, 'runs' | 'targets' | 'log'> {
  return quick
    ? { quick, durationSec: 3, connections: 50, routingIntegrations: 10_000, googleUsers: 50, googleLatencyMs: 100, sequentialSample: 10 }
    : { quick, durationSec: 20, connections: 50, routingIntegrations: 10_000, googleUsers: 1_000, googleLatencyMs: 100, sequentialSample: 50 };
}

export function ratio(value: number | null | undefined, baseline: number | null | undefined): number | null {
  if (value === null || value === undefined || !baseline) return null;
  return Math.round((value / baseline) * 1000) / 1000;
}
