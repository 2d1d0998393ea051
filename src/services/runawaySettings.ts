// The per-user runaway-timer settings (columns on the host's user table, migration 0010):
// remind_after_hours (the Slack "still working?" reminder) and auto_stop_after_hours (0 = never).
export const DEFAULT_REMIND_AFTER_HOURS = 4;
export const DEFAULT_AUTO_STOP_AFTER_HOURS = 10;
export const MAX_HOURS = 72;

/** The rule between the two: the reason remind_after_hours is refused, or null. */
export function thresholdProblem(remind: number, autoStop: number): string | null {
  return autoStop !== 0 && remind >= autoStop ? `must be below auto_stop_after_hours (${autoStop}), or set auto-stop to 0 (never)` : null;
}
