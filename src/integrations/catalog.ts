// Lists derived from a connector list (the registry in ./index.ts, or the list an app was built
// with): lookups by provider or slug, provider labels, secret keys, time-entry sources, and the
// check that no two connectors share an identity. Pure functions; nothing here names a connector.
import type { ConnectorDescriptor, ConnectorIdentity } from './types.js';

/** Time-entry sources that belong to the host, not to a connector. */
export const CORE_SOURCES = ['manual', 'timer', 'api'] as const;

export const PROVIDER_FORMAT = /^[a-z][a-z0-9_]{0,39}$/;
export const SLUG_FORMAT = /^[a-z][a-z0-9-]{0,39}$/;
export const SOURCE_FORMAT = /^[a-z][a-z0-9_]{0,19}$/;

export const IDENTITY_FIELDS = ['provider', 'slug', 'title', 'secretKeys', 'source', 'card', 'adminOnlyActions'] as const;

export function connectorByProvider<C extends ConnectorIdentity>(list: readonly C[], provider: unknown): C | undefined {
  return list.find((c) => c.provider === provider);
}

export function connectorBySlug<C extends ConnectorIdentity>(list: readonly C[], slug: unknown): C | undefined {
  return list.find((c) => c.slug === slug);
}

/** The secret keys of a provider's config; none for an unknown provider. */
export function secretKeysOf(list: readonly ConnectorIdentity[], provider: unknown): readonly string[] {
  return connectorByProvider(list, provider)?.secretKeys ?? [];
}

/** Every valid `time_entries.source`: the host's own, then one per connector. */
export function entrySources(list: readonly ConnectorIdentity[]): string[] {
  return [...CORE_SOURCES, ...list.map((c) => c.source)];
}

/** What the panel and GET /api/integrations show of each connector (never a function or a path). */
/** The connectors' own migrations, named `{slug}/{name}`, in list order. */
export function connectorMigrations(list: readonly ConnectorDescriptor[]) {
  return list.flatMap((c) => (c.migrations ?? []).map((m) => ({ name: `${c.slug}/${m.name}`, module: m })));
}

export function publicListing(list: readonly ConnectorDescriptor[]) {
  return list.map((c) => ({ slug: c.slug, title: c.title, provider: c.provider, card: c.card.name, test_label: c.card.testLabel }));
}

/**
 * Every problem with a connector list, as sentences: a missing or malformed identity field, or two
 * connectors sharing a provider, slug, source or card name. Empty when the list is sound.
 */
export function identityProblems(list: readonly ConnectorDescriptor[]): string[] {
  const problems: string[] = [];
  const seen = { provider: new Map<string, string>(), slug: new Map<string, string>(), source: new Map<string, string>(), card: new Map<string, string>() };
  for (const c of list) {
    const who = c.title || c.provider || '(unnamed connector)';
    for (const field of IDENTITY_FIELDS) if (c[field] === undefined || c[field] === null || c[field] === '') problems.push(`${who}: ${field} is missing`);
    if (c.provider && !PROVIDER_FORMAT.test(c.provider)) problems.push(`${who}: provider "${c.provider}" must be lower snake case, at most 40 characters`);
    if (c.slug && !SLUG_FORMAT.test(c.slug)) problems.push(`${who}: slug "${c.slug}" must be lower case letters, digits and dashes`);
    if (c.source && !SOURCE_FORMAT.test(c.source)) problems.push(`${who}: source "${c.source}" must be lower snake case, at most 20 characters`);
    if ((CORE_SOURCES as readonly string[]).includes(c.source)) problems.push(`${who}: source "${c.source}" belongs to the host`);
    const keys: Array<[keyof typeof seen, string | undefined]> = [['provider', c.provider], ['slug', c.slug], ['source', c.source], ['card', c.card?.name]];
    for (const [field, value] of keys) {
      if (!value) continue;
      const other = seen[field].get(value);
      if (other) problems.push(`${who}: ${field} "${value}" is already used by ${other}`);
      else seen[field].set(value, who);
    }
  }
  return problems;
}

/** Throws when the list has an identity problem (createApp and the migrator refuse such a list). */
export function assertConnectorList(list: readonly ConnectorDescriptor[]): void {
  const problems = identityProblems(list);
  if (problems.length) throw new Error(`Invalid connector list: ${problems.join('; ')}`);
}
