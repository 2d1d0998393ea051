// Peak memory of a process, from /proc/<pid>/status: VmRSS sampled every 100 ms while a scenario
// runs, and VmHWM (the kernel's high-water mark since the process started) at the end.
import fs from 'node:fs';

export function readKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export interface RssReport {
  /** Highest VmRSS seen while sampling (MB). */
  peakRssMb: number | null;
  /** VmHWM at the end: peak resident set over the process's whole life (MB). */
  hwmMb: number | null;
  /** CPU time of the process over the sampling window, in % of one core (Node runs JS on one). */
  cpuPct?: number | null;
}

/** utime + stime of a process in clock ticks (USER_HZ = 100 on Linux), from /proc/<pid>/stat. */
function cpuTicks(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

export class RssSampler {
  private peakKb = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastHwmKb: number | null = null;
  private startTicks: number | null = null;
  private startedAt = 0;

  constructor(private readonly pid: number) {}

  start(intervalMs = 100): this {
    this.startTicks = cpuTicks(this.pid);
    this.startedAt = Date.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  private sample(): void {
    const kb = readKb(this.pid, 'VmRSS');
    if (kb !== null && kb > this.peakKb) this.peakKb = kb;
    const hwm = readKb(this.pid, 'VmHWM');
    if (hwm !== null) this.lastHwmKb = hwm;
  }

  stop(): RssReport {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const mb = (kb: number | null) => (kb === null || kb === 0 ? null : Math.round(kb / 102.4) / 10);
    const endTicks = cpuTicks(this.pid);
    const seconds = (Date.now() - this.startedAt) / 1000;
    const cpuPct = endTicks !== null && this.startTicks !== null && seconds > 0 ? Math.round(((endTicks - this.startTicks) / 100 / seconds) * 100) : null;
    return { peakRssMb: mb(this.peakKb), hwmMb: mb(this.lastHwmKb), cpuPct };
  }
}
