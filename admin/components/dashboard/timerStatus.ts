// The dashboard timer's view of the server: the running entry (polled) and its live clock.
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiGet, messageOf } from '../connectors/api.js';
import type { AutoStoppedEntry } from './AutoStopBanner.js';

export interface RunningEntry {
  id: number;
  project_id: number;
  task_id: number | null;
  notes: string | null;
  billable: boolean;
  project_name: string | null;
  task_name: string | null;
  elapsed_seconds: number;
}
export type TimerStatus = { active: boolean; entry?: RunningEntry; auto_stopped_entry?: AutoStoppedEntry | null };

/** How often the status is asked while the page is visible. */
export const POLL_MS = 5000;
/** Seconds since a start the server measured, counted by the browser's clock (skew does not matter). */
export function useElapsed(entry: RunningEntry | null): number {
  const anchor = useRef<{ id: number; at: number } | null>(null);
  if (!entry) anchor.current = null;
  // The anchor is set once per entry, so a poll does not make the clock jump back and forth.
  else if (anchor.current?.id !== entry.id) anchor.current = { id: entry.id, at: Date.now() - entry.elapsed_seconds * 1000 };
  const [now, setNow] = useState(Date.now());
  const running = entry !== null;
  useEffect(() => {
    if (!running) return undefined;
    setNow(Date.now());
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [running]);
  return anchor.current ? Math.max(0, Math.floor((now - anchor.current.at) / 1000)) : 0;
}

/**
 * The running timer as the server sees it, asked on mount, every POLL_MS while the page is
 * visible, at once when it becomes visible again, and on `reload()`. Stops with the component.
 */
export function useTimerStatus() {
  const [timer, setTimer] = useState<TimerStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const seq = useRef(0);
  const alive = useRef(true);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    const res = await apiGet<TimerStatus>('/api/timer/status');
    // Only the newest answer counts: a slow poll must not undo what a later action showed.
    if (!alive.current || mine !== seq.current) return;
    if (res.ok) {
      setTimer({ active: Boolean(res.body.active), entry: res.body.entry, auto_stopped_entry: res.body.auto_stopped_entry ?? null });
      setLoadError(null);
    } else {
      setLoadError(messageOf(res, 'Could not load the timer'));
    }
  }, []);
  useEffect(() => {
    alive.current = true;
    void reload();
    const tick = window.setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive.current = false;
      window.clearInterval(tick);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [reload]);
  return { timer, loadError, reload };
}

