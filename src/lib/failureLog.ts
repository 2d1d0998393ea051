// A failure that repeats (an upstream that stays unreachable while a job retries every few
// seconds) is logged as three kinds of line instead of one warning per attempt: the first failure
// with its cause, then at most one summary per interval while it keeps failing, and one line when
// it works again. Summaries are written when the next failure arrives, so no timer is left running.
import type { Logger } from 'pino';

export const SUMMARY_INTERVAL_MS = 5 * 60_000;

type LineSink = Pick<Logger, 'warn' | 'info'>;

export interface FailureLogOptions {
  /** Where lines go; a function, so a logger reconfigured later is the one used. */
  log: () => LineSink;
  now?: () => number;
  summaryIntervalMs?: number;
}

interface Episode {
  since: number;
  lastLineAt: number;
  sinceLastLine: number;
  total: number;
}

/** "45 s", "5 min", "2 h 10 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

export class FailureLog {
  private readonly episodes = new Map<string, Episode>();
  private now: () => number;
  private readonly intervalMs: number;

  constructor(private readonly opts: FailureLogOptions) {
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.summaryIntervalMs ?? SUMMARY_INTERVAL_MS;
  }

  /**
   * One failure of `key` (what fails, e.g. an upstream's name). `what` names the operation in the
   * message ("outbound request to Slack"); `cause` says why, in words an operator can act on.
   */
  failed(key: string, what: string, cause: string, fields: Record<string, unknown> = {}): void {
    const now = this.now();
    const episode = this.episodes.get(key);
    if (!episode) {
      this.episodes.set(key, { since: now, lastLineAt: now, sinceLastLine: 0, total: 1 });
      this.opts.log().warn({ ...fields, cause }, `${what} failed: ${cause}`);
      return;
    }
    episode.total += 1;
    episode.sinceLastLine += 1;
    if (now - episode.lastLineAt < this.intervalMs) return;
    this.opts.log().warn(
      { ...fields, cause, failures: episode.sinceLastLine, failuresTotal: episode.total },
      `${what} failed ${episode.sinceLastLine} more time${episode.sinceLastLine === 1 ? '' : 's'} in the last ` +
        `${formatDuration(now - episode.lastLineAt)}; last cause: ${cause}`,
    );
    episode.lastLineAt = now;
    episode.sinceLastLine = 0;
  }

  /** `key` worked: ends its failure episode, if there was one, with a recovery line. */
  succeeded(key: string, what: string, fields: Record<string, unknown> = {}): void {
    const episode = this.episodes.get(key);
    if (!episode) return;
    this.episodes.delete(key);
    const downMs = this.now() - episode.since;
    this.opts.log().info(
      { ...fields, failuresTotal: episode.total, downMs },
      `${what} works again (${episode.total} failure${episode.total === 1 ? '' : 's'} in ${formatDuration(downMs)})`,
    );
  }

  /** Tests: forget every episode and optionally read time from `now`. */
  reset(now?: () => number): void {
    this.episodes.clear();
    this.now = now ?? this.opts.now ?? Date.now;
  }
}
