// The page /integrations/google/connect answers when GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET are
// unset: what is missing and how to fix it, instead of a crash or a redirect to a broken Google URL.
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function notConfiguredPage(redirectUri: string, backUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Google OAuth is not configured</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>Google OAuth is not configured</h1>
<p>This TimeTracker server has no Google OAuth client, so Google Calendar cannot be connected yet.</p>
<p>An administrator needs to create an OAuth client of type <em>Web application</em> in Google Cloud,
add the redirect URI <code>${escapeHtml(redirectUri)}</code>, set the environment variables
<code>GOOGLE_CLIENT_ID</code> and <code>GOOGLE_CLIENT_SECRET</code>, and restart the server.
See docs/integrations/GOOGLE_CALENDAR.md.</p>
<p><a href="${escapeHtml(backUrl)}">Back to Personal connectors</a></p>
</body></html>
`;
}
