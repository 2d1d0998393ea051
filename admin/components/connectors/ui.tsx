// Building blocks shared by the connector cards: the card frame with its status badge, labelled
// fields with an error slot, secret and project inputs, copyable values, buttons with a busy
// state and the result line under the buttons.
import React, { useState } from 'react';
import { Badge, Box, Button, CheckBox, FormGroup, FormMessage, H3, Icon, Input, InputCSS, Label, Loader, MessageBox, Text } from '@adminjs/design-system';
import { styled } from '@adminjs/design-system/styled-components';
import { copyText, formatWhen, type ProjectOption } from './api.js';

/** The server's `state` (src/integrations/health.ts), plus `loading` while the status is on its way. */
export type Health = { state: 'loading' | 'connected' | 'not_verified' | 'not_connected' | 'reconnect' | 'error'; detail?: string | null };

export interface SyncInfo {
  state?: Exclude<Health['state'], 'loading'>;
  connected?: boolean;
  needs_reconnect?: boolean;
  last_sync_at?: string | null;
  last_sync_status?: string | null;
  last_error?: string | null;
  last_error_at?: string | null;
  last_success_at?: string | null;
}

/**
 * Badge state from a status answer. The server decides: Connected only after a passing test or a
 * successful use, Error with the recorded reason after a failed one. `testLabel` names the card's
 * test button in the "not verified" hint.
 */
export function healthOf(status: SyncInfo | null | undefined, loadError: string | null, testLabel = 'Test connection'): Health {
  if (loadError) return { state: 'error', detail: loadError };
  if (!status) return { state: 'loading' };
  const state = status.state ?? (status.connected ? 'not_verified' : 'not_connected');
  if (state === 'error') return { state, detail: status.last_error || 'The last check failed.' };
  if (state === 'reconnect') return { state, detail: status.last_error || 'Google needs you to sign in again.' };
  if (state === 'not_verified') return { state, detail: `Not verified yet — click ${testLabel}.` };
  return { state };
}

const BADGES: Record<Health['state'], { label: string; variant: 'success' | 'danger' | 'light' | 'info' | 'primary'; bg?: string }> = {
  loading: { label: 'Checking…', variant: 'light' },
  connected: { label: 'Connected', variant: 'success' },
  not_verified: { label: 'Not verified', variant: 'info' },
  not_connected: { label: 'Not connected', variant: 'light' },
  reconnect: { label: 'Reconnect needed', variant: 'danger', bg: 'warning' },
  error: { label: 'Error', variant: 'danger' },
};

export const StatusBadge: React.FC<{ health: Health; testId?: string }> = ({ health, testId }) => {
  const b = BADGES[health.state];
  return (
    <Badge variant={b.variant} bg={b.bg} size="sm" data-testid={testId} data-state={health.state} title={health.detail ?? undefined}>
      {b.label}
    </Badge>
  );
};

export const Card: React.FC<{ testId: string; title: string; icon: string; intro: React.ReactNode; health: Health; children: React.ReactNode }> = ({
  testId, title, icon, intro, health, children,
}) => (
  <Box variant="card" mb="xl" data-testid={testId} style={{ borderRadius: 8, maxWidth: 960 }}>
    <Box flex flexDirection="row" alignItems="center" justifyContent="space-between" mb="sm">
      <Box flex flexDirection="row" alignItems="center">
        <Icon icon={icon} size={24} mr="default" />
        <H3 marginTop="0px" marginBottom="0px">{title}</H3>
      </Box>
      <StatusBadge health={health} testId={`${testId}-badge`} />
    </Box>
    <Text color="grey60" mb="lg" style={{ maxWidth: 720 }}>{intro}</Text>
    {health.state === 'loading' ? <Loader /> : children}
  </Box>
);

/** "Last verified" and "last synced" lines, then the reason of an Error (with when it happened) or the "not verified" hint. */
export const SyncLine: React.FC<{ status: SyncInfo; testId: string; health: Health; label?: string }> = ({ status, testId, health, label = 'Last synced' }) => (
  <Box mb="lg" data-testid={`${testId}-last-sync`}>
    {status.last_success_at ? (
      <Text variant="sm" color="grey80" data-testid={`${testId}-last-success`}><strong>Last verified:</strong> {formatWhen(status.last_success_at)}</Text>
    ) : null}
    {'last_sync_at' in status ? (
      <Text variant="sm" color="grey80">
        <strong>{label}:</strong> {formatWhen(status.last_sync_at)}
        {status.last_sync_status ? ` · ${status.last_sync_status}` : ''}
      </Text>
    ) : null}
    {health.state === 'error' || health.state === 'reconnect' ? (
      <MessageBox mt="default" size="sm" variant={health.state === 'reconnect' ? 'warning' : 'danger'} data-testid={`${testId}-error`} message={health.detail ?? undefined}>
        {status.last_error_at ? <span data-testid={`${testId}-error-at`}>Failed {formatWhen(status.last_error_at)}</span> : undefined}
      </MessageBox>
    ) : null}
    {health.state === 'not_verified' ? (
      <MessageBox mt="default" size="sm" variant="info" data-testid={`${testId}-not-verified`} message={health.detail ?? undefined} />
    ) : null}
  </Box>
);

/** Two columns on wide screens, one on narrow ones. */
export const FieldGrid = styled.div`
  display: grid;
  grid-template-columns: repeat(2, minmax(0, 1fr));
  column-gap: 32px;
  align-items: start;
  @media (max-width: 900px) {
    grid-template-columns: minmax(0, 1fr);
  }
`;

export const Section: React.FC<{ title: string; children: React.ReactNode }> = ({ title, children }) => (
  <Box mt="xl" mb="lg" pt="xl" style={{ borderTop: '1px solid #EEEEEF' }}>
    <Text fontWeight="bold" mb="default">{title}</Text>
    {children}
  </Box>
);

export const Field: React.FC<{ id: string; label: string; hint?: React.ReactNode; error?: string | null; required?: boolean; children: React.ReactNode }> = ({
  id, label, hint, error, required, children,
}) => (
  <FormGroup error={Boolean(error)} mb="lg">
    <Label htmlFor={id} required={required}>{label}</Label>
    {children}
    {error ? <FormMessage data-testid={`${id}-error`}>{error}</FormMessage> : hint ? <Text variant="xs" color="grey60" mt="sm">{hint}</Text> : null}
  </FormGroup>
);

export const TextField: React.FC<{ id: string; value: string; onChange: (v: string) => void; placeholder?: string; type?: string; min?: number; max?: number }> = ({
  id, value, onChange, placeholder, type = 'text', min, max,
}) => <Input id={id} name={id} type={type} min={min} max={max} width={1} value={value} placeholder={placeholder} onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)} />;

/** A write-only secret: the stored value never reaches the browser; blank keeps it. */
export const SecretField: React.FC<{ id: string; label: string; isSet: boolean; value: string; onChange: (v: string) => void; error?: string | null; hint?: string }> = ({
  id, label, isSet, value, onChange, error, hint,
}) => (
  <Field id={id} label={label} error={error} hint={hint ?? (isSet ? 'Stored. Leave blank to keep it, or paste a new value to replace it.' : 'Not set yet.')}>
    <Box flex flexDirection="row" alignItems="center">
      <Input id={id} name={id} type="password" autoComplete="new-password" width={1} value={value} placeholder={isSet ? '•••••••• (set)' : 'not set'}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)} />
      <Badge ml="default" size="sm" variant={isSet ? 'success' : 'light'} outline data-testid={`${id}-state`}>{isSet ? 'set' : 'not set'}</Badge>
    </Box>
  </Field>
);

const NativeSelect = styled.select`
  ${InputCSS};
  width: 100%;
  padding: 4px 8px;
  height: 34px;
  font-size: 14px;
  background: white;
`;

export const SelectField: React.FC<{ id: string; value: string; onChange: (v: string) => void; options: Array<{ value: string; label: string }>; placeholder?: string }> = ({
  id, value, onChange, options, placeholder,
}) => (
  <NativeSelect id={id} name={id} value={value} onChange={(e: React.ChangeEvent<HTMLSelectElement>) => onChange(e.target.value)}>
    {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
    {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
  </NativeSelect>
);

/** Only the user's allowed, active projects; a stored project that is no longer allowed stays visible as such. */
export const ProjectSelect: React.FC<{ id: string; value: string; onChange: (v: string) => void; projects: ProjectOption[] }> = ({ id, value, onChange, projects }) => {
  const options = projects.map((p) => ({ value: String(p.id), label: p.name }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: `Project #${value} (not available to you)` });
  return <SelectField id={id} value={value} onChange={onChange} options={options} placeholder={projects.length ? 'Choose a project…' : 'No active projects available'} />;
};

export const CheckField: React.FC<{ id: string; label: string; checked: boolean; onChange: (v: boolean) => void; hint?: string }> = ({ id, label, checked, onChange, hint }) => (
  <Box mb="lg">
    <Box flex flexDirection="row" alignItems="center">
      <CheckBox id={id} name={id} checked={checked} onChange={() => onChange(!checked)} />
      <Label inline htmlFor={id} ml="default" mb="0px" style={{ cursor: 'pointer' }}>{label}</Label>
    </Box>
    {hint ? <Text variant="xs" color="grey60" mt="sm" ml="28px">{hint}</Text> : null}
  </Box>
);

export const ActionButton: React.FC<{ testId: string; label: string; busyLabel: string; busy: boolean; disabled?: boolean; primary?: boolean; danger?: boolean; icon?: string; onClick: () => void }> = ({
  testId, label, busyLabel, busy, disabled, primary, danger, icon, onClick,
}) => (
  <Button type="button" data-testid={testId} variant={primary ? 'contained' : 'outlined'} color={danger ? 'danger' : 'primary'}
    disabled={busy || disabled} aria-busy={busy} onClick={onClick}>
    {busy ? <Icon icon="Loader" spin /> : icon ? <Icon icon={icon} /> : null}
    {busy ? busyLabel : label}
  </Button>
);

export const ButtonRow: React.FC<{ children: React.ReactNode }> = ({ children }) => (
  <Box flex flexDirection="row" flexWrap="wrap" alignItems="center" mt="default" style={{ gap: 8 }}>{children}</Box>
);

export type Result = { kind: 'success' | 'error' | 'info'; text: string };

export const ResultLine: React.FC<{ result: Result | null; testId: string; onClose?: () => void }> = ({ result, testId, onClose }) =>
  result ? (
    <MessageBox mt="default" size="sm" variant={result.kind === 'error' ? 'danger' : result.kind} data-testid={testId} data-kind={result.kind} role="status"
      message={result.text} onCloseClick={onClose} />
  ) : null;

const Mono = styled.code`
  flex: 1;
  min-width: 0;
  overflow-wrap: anywhere;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 13px;
  background: #F6F7FB;
  border: 1px solid #EEEEEF;
  border-radius: 4px;
  padding: 9px 10px;
  color: #0C1E29;
`;

/** A read-only value (URL, revealed secret) with a Copy button. */
export const CopyValue: React.FC<{ testId: string; value: string | null; placeholder?: string; extra?: React.ReactNode }> = ({ testId, value, placeholder, extra }) => {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const onCopy = async () => {
    if (!value) return;
    setCopied((await copyText(value)) ? 'yes' : 'no');
    window.setTimeout(() => setCopied(null), 2000);
  };
  return (
    <Box flex flexDirection="row" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
      <Mono data-testid={testId}>{value ?? placeholder ?? ''}</Mono>
      <Button type="button" variant="outlined" disabled={!value} onClick={onCopy} data-testid={`${testId}-copy`}>
        <Icon icon={copied === 'yes' ? 'Check' : 'Copy'} />
        {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Copy failed' : 'Copy'}
      </Button>
      {extra}
    </Box>
  );
};
