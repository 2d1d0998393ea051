// Key rotation (docs/architecture.md, "Secrets at rest"): re-seals every stored secret with the keyring's first key, in one
// transaction with the rows locked (FOR UPDATE), so a connector saving at the same moment waits
// instead of being overwritten. A value that cannot be opened with any configured key is left
// untouched and reported; nothing is dropped or replaced by an empty string.
import type { Sequelize, Transaction } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { isSealed, type Keyring } from '../lib/secrets.js';

/** Every place a sealed value can live. JSONB columns are walked deeply; text columns are one value. */
export const SEALED_COLUMNS: ReadonlyArray<{ table: string; column: string; key: string; kind: 'jsonb' | 'text' }> = [
  { table: 'integrations', column: 'config', key: 'id', kind: 'jsonb' },
  { table: 'oauth_states', column: 'code_verifier', key: 'state_hash', kind: 'text' },
];

export interface RotationFailure {
  /** e.g. `integrations#3 config.github_token` */
  where: string;
  error: string;
}

export interface RotationReport {
  keyId: string;
  /** Sealed values found. */
  scanned: number;
  /** Values re-sealed with the first key. */
  rotated: number;
  /** Values already sealed with the first key. */
  current: number;
  /** Rows written. */
  rowsUpdated: number;
  failures: RotationFailure[];
}

type Reseal = (value: string, where: string) => string;

function makeResealer(keyring: Keyring, report: RotationReport): Reseal {
  return (value, where) => {
    report.scanned += 1;
    if (!keyring.needsRotation(value)) {
      // Sealed with the first key: opening it proves it is intact; a tampered one is reported.
      try {
        keyring.decrypt(value);
        report.current += 1;
      } catch (err) {
        report.failures.push({ where, error: (err as Error).message });
      }
      return value;
    }
    try {
      const resealed = keyring.encrypt(keyring.decrypt(value));
      report.rotated += 1;
      return resealed;
    } catch (err) {
      report.failures.push({ where, error: (err as Error).message });
      return value;
    }
  };
}

/** Returns a copy of `value` with every sealed string re-sealed (or the same value if nothing changed). */
function resealDeep(value: unknown, where: string, reseal: Reseal): unknown {
  if (isSealed(value)) return reseal(value, where);
  if (Array.isArray(value)) {
    const out = value.map((v, i) => resealDeep(v, `${where}[${i}]`, reseal));
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (value && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = resealDeep(v, `${where}.${k}`, reseal);
      if (out[k] !== v) changed = true;
    }
    return changed ? out : value;
  }
  return value;
}

async function rotateColumn(
  sequelize: Sequelize,
  transaction: Transaction,
  target: (typeof SEALED_COLUMNS)[number],
  reseal: Reseal,
  report: RotationReport,
): Promise<void> {
  const { table, column, key, kind } = target;
  const filter = kind === 'text' ? `WHERE "${column}" LIKE 'nacl:v1:%'` : `WHERE "${column}"::text LIKE '%nacl:v1:%'`;
  const rows = await sequelize.query<{ k: string | number; v: unknown }>(
    `SELECT "${key}" AS k, "${column}" AS v FROM "${table}" ${filter} ORDER BY "${key}" FOR UPDATE`,
    { type: QueryTypes.SELECT, transaction },
  );
  for (const row of rows) {
    const next = resealDeep(row.v, `${table}#${row.k} ${column}`, reseal);
    if (next === row.v) continue;
    await sequelize.query(`UPDATE "${table}" SET "${column}" = $1${kind === 'jsonb' ? '::jsonb' : ''} WHERE "${key}" = $2`, {
      bind: [kind === 'jsonb' ? JSON.stringify(next) : next, row.k],
      transaction,
    });
    report.rowsUpdated += 1;
  }
}

export async function rotateSecrets(sequelize: Sequelize, keyring: Keyring): Promise<RotationReport> {
  const report: RotationReport = { keyId: keyring.primaryId, scanned: 0, rotated: 0, current: 0, rowsUpdated: 0, failures: [] };
  const reseal = makeResealer(keyring, report);
  await sequelize.transaction(async (transaction) => {
    for (const target of SEALED_COLUMNS) await rotateColumn(sequelize, transaction, target, reseal, report);
  });
  return report;
}
