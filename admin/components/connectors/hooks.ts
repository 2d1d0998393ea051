// State shared by the connector cards: the status answer (loaded on open, replaced after saves)
// with the last connection test, one busy action at a time with its result message, and per-field
// server validation errors.
import { useCallback, useEffect, useState } from 'react';
import { apiGet, apiPost, connectionTest, fieldErrorOf, messageOf, type ApiAnswer } from './api.js';
import type { Result } from './ui.js';

/**
 * The connector's status, reloaded after a connection test or a sync. `lastTest` is the last test's
 * result until a save or a successful sync makes it stale (set it to null).
 */
export function useStatus<S>(slug: string) {
  const [status, setStatus] = useState<S | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [lastTest, setLastTest] = useState<Result | null>(null);
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
  /** POST /api/integrations/{slug}/test, remembered as lastTest, then the status again. */
  const testConnection = async (texts: Parameters<typeof connectionTest>[1]): Promise<Result> => {
    const r = await connectionTest(slug, texts);
    setLastTest(r);
    await reload();
    return r;
  };
  /** POST /api/integrations/{slug}/sync, then the status again; `summary` words a successful answer. */
  const syncNow = async (body: Record<string, unknown> | undefined, summary: (b: Record<string, unknown>) => string): Promise<Result> => {
    const res = await apiPost(`/api/integrations/${slug}/sync`, body);
    if (res.ok) setLastTest(null);
    await reload();
    return res.ok ? { kind: 'success', text: summary(res.body) } : { kind: 'error', text: messageOf(res, 'Sync failed') };
  };
  return { status, setStatus, loadError, reload, lastTest, setLastTest, testConnection, syncNow };
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

/**
 * Handles a failed save: a `"<field>: <reason>"` error for one of the form's fields goes next to
 * that field; anything else becomes the card's result message.
 */
export function useFieldErrors(fields: readonly string[]) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fromAnswer = useCallback(
    (answer: ApiAnswer<unknown>, fallback: string): Result => {
      const text = messageOf(answer, fallback);
      const fe = fieldErrorOf(text, fields);
      setErrors(fe ? { [fe.field]: fe.reason } : {});
      return { kind: 'error', text: fe ? 'Please correct the highlighted field.' : text };
    },
    [fields],
  );
  return { errors, clear: () => setErrors({}), fromAnswer };
}
