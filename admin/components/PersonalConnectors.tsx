// The "Personal connectors" page (/admin/pages/personal-connectors): one card per connector of the
// server's list (GET /api/integrations), each rendered by the component its descriptor names. Each
// card loads its own status and saves, tests and syncs through the JSON API with the session.
import React, { useEffect, useState } from 'react';
import { Box, H2, Text } from '@adminjs/design-system';
import { inWords, loadConnectors, loadMe, loadProjects, type ConnectorCardProps, type ConnectorListing, type Me, type ProjectOption } from './connectors/api.js';

/** The bundled component registered under `name` (each connector's card, see admin/index.ts). */
function cardOf(name: string): React.ComponentType<ConnectorCardProps> | undefined {
  const registry = (window as unknown as { AdminJS?: { UserComponents?: Record<string, React.ComponentType<ConnectorCardProps>> } }).AdminJS;
  return registry?.UserComponents?.[name];
}

const PersonalConnectors: React.FC = () => {
  const [projects, setProjects] = useState<ProjectOption[]>([]);
  const [me, setMe] = useState<Me | null>(null);
  const [list, setList] = useState<{ connectors: ConnectorListing[]; error: string | null } | null>(null);
  const [search] = useState(() => window.location.search);

  useEffect(() => {
    void loadConnectors().then(setList);
    void loadProjects().then(setProjects);
    void loadMe().then(setMe);
  }, []);

  const titles = list?.connectors.map((c) => c.title) ?? [];
  return (
    <Box variant="grey" data-testid="personal-connectors">
      <Box mb="xl" style={{ maxWidth: 960 }}>
        <H2 marginTop="lg" marginBottom="sm">Personal connectors</H2>
        <Text color="grey60">
          Connect your own {titles.length ? `${inWords(titles)} accounts` : 'accounts'}. Each connector is optional and only acts for you;
          tokens and secrets are stored encrypted and are never shown again after you save them.
        </Text>
        {list?.error ? <Text color="error" mt="default" data-testid="personal-connectors-error">{list.error}</Text> : null}
      </Box>
      {list?.connectors.map((connector) => {
        const Card = cardOf(connector.card);
        if (!Card) return <Text key={connector.slug} color="error" mb="lg">{connector.title}: its card component “{connector.card}” is not in the panel bundle.</Text>;
        return <Card key={connector.slug} connector={connector} projects={projects} me={me} isAdmin={me?.role === 'admin'} search={search} />;
      })}
    </Box>
  );
};

export default PersonalConnectors;
