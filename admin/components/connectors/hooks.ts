// State shared by the connector cards: the status answer (loaded on open, replaced after saves;
// the server records every test and use, so the badge always follows it), one busy action at a
// time with its result message, and per-field server validation errors.
import { useCallback, useEffect, useState } from 'react';
import { apiGet, apiPost, connectionTest, fieldErrorOf, messageOf, type ApiAnswer } from './api.js';
import type { Result } from './ui.js';

/** The connector's status, reloaded after a connection test or a sync (both recorded by the server). */
export function useStatus<S>(slug: string) {
  const [status, setStatus] = useState<S | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    const res = await apiGet<S>(`/api/integrations/${slug}/status`);
    if (res.ok) {
      setStatus(res.body as S);
      setLoadError(null);
    } else {
      setLoadError(messageOf(res, 'Could not load the status'));
    }
    return res;
  }, [slug]);
  useEffect(() => {
    void reload();
  }, [reload]);
  /** POST /api/integrations/{slug}/test, then the status again. */
  const testConnection = async (texts: Parameters<typeof connectionTest>[1]): Promise<Result> => {
    const r = await connectionTest(slug, texts);
    await reload();
    return r;
  };
  /** POST /api/integrations/{slug}/sync, then the status again; `summary` words a successful answer. */
  const syncNow = async (body: Record<string, unknown> | undefined, summary: (b: Record<string, unknown>) => string): Promise<Result> => {
    const res = await apiPost(`/api/integrations/${slug}/sync`, body);
    await reload();
    return res.ok ? { kind: 'success', text: summary(res.body) } : { kind: 'error', text: messageOf(res, 'Sync failed') };
  };
  return { status, setStatus, loadError, reload, testConnection, syncNow };
}

export function useActions() {
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const run = useCallback(async (key: string, fn: () => Promise<Result | null>) => {
    setBusy(key);
    setResult(null);
    try {
      setResult(await fn());
    } catch (err) {
      setResult({ kind: 'error', text: err instanceof Error ? err.message : 'Something went wrong' });
    } finally {
      setBusy(null);
    }
  }, []);
  return { busy, result, setResult, run };
}

/** The answer's invalid fields: its `fields` map, else a single `"<field>: <reason>"` error. */
function answerFields(answer: ApiAnswer<unknown>, text: string, fields: readonly string[]): Record<string, string> {
  if (answer.body.fields) return answer.body.fields;
  const fe = fieldErrorOf(text, fields);
  return fe ? { [fe.field]: fe.reason } : {};
}

/**
 * Handles a failed save: every invalid field of the form gets its reason next to it, all at once;
 * problems with anything else stay in the card's result message.
 */
export function useFieldErrors(fields: readonly string[]) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fromAnswer = useCallback(
    (answer: ApiAnswer<unknown>, fallback: string): Result => {
      const text = messageOf(answer, fallback);
      const mine: Record<string, string> = {};
      const others: string[] = [];
      for (const [path, reason] of Object.entries(answerFields(answer, text, fields))) {
        const field = path.split('.')[0];
        if (fields.includes(field)) mine[field] ??= reason;
        else others.push(`${path}: ${reason}`);
      }
      setErrors(mine);
      const count = Object.keys(mine).length;
      if (count === 0) return { kind: 'error', text };
      const ask = count === 1 ? 'Please correct the highlighted field.' : `Please correct the ${count} highlighted fields.`;
      return { kind: 'error', text: others.length ? `${ask} Also: ${others.join('; ')}` : ask };
    },
    [fields],
  );
  return { errors, clear: () => setErrors({}), fromAnswer };
}
