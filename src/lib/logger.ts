// Logs (pino): one JSON object per line, or human-readable lines (pino-pretty) when they go to a
// terminal. Secrets are redacted twice: by key name (redact paths) and by shape (anything that
// looks like a provider token or a sealed secret is shortened to a prefix); the readable lines are
// made from the redacted JSON. Both are written synchronously, so the last lines before an exit
// are not lost.
import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

const SECRET_KEYS = [
  'password', 'password_hash', 'passwordHash', 'token', 'access_token', 'refresh_token', 'github_token',
  'bot_token', 'signing_secret', 'webhook_secret', 'previous_webhook_secret', 'client_secret', 'secret',
  'authorization', 'Authorization', 'cookie', 'Cookie', 'code', 'code_verifier',
];

const TOKEN_PATTERN =
  /\b(gh[pousr]_[A-Za-z0-9]{6,}|github_pat_[A-Za-z0-9_]{6,}|xox[abpr]-[A-Za-z0-9-]{6,}|ya29\.[A-Za-z0-9._-]{6,}|1\/\/[A-Za-z0-9._-]{10,}|nacl:v1:[A-Za-z0-9]+:[A-Za-z0-9+/=]+)/g;

/** `ghp_abcdef...` → `ghp_...`; anything else → first 4 characters + `...`. */
export function redactToken(token: string | null | undefined): string {
  if (!token) return '';
  const m = /^(gh[pousr]_|github_pat_|xox[abpr]-|ya29\.|nacl:v1:)/.exec(token);
  return `${m ? m[1] : token.slice(0, Math.min(4, Math.floor(token.length / 4)))}...`;
}

/** Replace token-shaped substrings in free text (error messages, URLs). */
export function scrubText(text: string): string {
  return text.replace(TOKEN_PATTERN, (t) => redactToken(t));
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (depth > 6) return value;
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.includes(k) ? '[redacted]' : scrubDeep(v, depth + 1);
    return out;
  }
  return value;
}

/** `auto`: readable lines when the destination is a terminal, JSON otherwise. */
export type LogFormat = 'auto' | 'pretty' | 'json';

let level = 'info';
let format: LogFormat = 'auto';
let destination: pino.DestinationStream | undefined;

type Destination = pino.DestinationStream & { isTTY?: boolean; flush?: () => void };

function isTerminal(dest: Destination | undefined): boolean {
  return dest ? dest.isTTY === true : process.stdout.isTTY === true;
}

/** Readable lines ("[12:00:00.000] WARN: message  key=value"), colours on a terminal. */
function prettyStream(dest: Destination | undefined, colorize: boolean): pino.DestinationStream {
  const out: Destination = dest ?? pino.destination({ dest: 1, sync: true });
  const prettify = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    singleLine: true,
  });
  return {
    write: (line: string) => out.write(prettify(line)),
    ...(out.flush ? { flush: () => out.flush?.() } : {}),
  } as pino.DestinationStream;
}

function stream(): pino.DestinationStream | undefined {
  const dest = destination as Destination | undefined;
  const tty = isTerminal(dest);
  const pretty = format === 'pretty' || (format === 'auto' && tty);
  return pretty ? prettyStream(dest, tty) : dest;
}

function build(): Logger {
  return pino(
    {
      level,
      base: { service: 'timetracker' },
      redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]), censor: '[redacted]' },
      formatters: { log: (obj) => scrubDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
        },
      },
      serializers: {
        // Anything may arrive as `err` (a string, a pg error event's payload): never let logging throw.
        err: (e: unknown) =>
          e instanceof Error
            ? { type: e.name, message: scrubText(String(e.message)), stack: e.stack ? scrubText(e.stack) : undefined }
            : { message: scrubText(String(e)) },
      },
    },
    stream(),
  );
}

export let logger: Logger = build();

/**
 * Reconfigure the process logger: level, format (`auto` by default), or a destination stream for
 * tests that read logs (a destination with `isTTY: true` counts as a terminal).
 */
export function configureLogger(opts: { level?: string; format?: LogFormat; destination?: pino.DestinationStream }): Logger {
  if (opts.level) level = opts.level;
  if (opts.format) format = opts.format;
  if (opts.destination !== undefined) destination = opts.destination;
  logger = build();
  return logger;
}
