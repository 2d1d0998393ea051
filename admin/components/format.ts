// Durations and task labels as every TimeTracker page shows them.

const pad = (n: number) => String(n).padStart(2, '0');
/** A running clock: `h:mm:ss`. */
export const hms = (s: number) => `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(Math.floor(s % 60))}`;
/** A duration anywhere else: `h:mm`. */
export const hm = (s: number) => `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}`;

/** GitHub tasks carry `github_issue_<n>`: show the issue number first, as on GitHub. */
export const taskLabel = (t: { name: string; external_ref?: string | null }) => {
  const m = /^github_issue_(\d+)$/.exec(t.external_ref ?? '');
  return m ? `#${m[1]} ${t.name}` : t.name;
};
