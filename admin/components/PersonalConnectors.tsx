// The "Personal connectors" page (/admin/pages/personal-connectors): one card per connector. Each
// card loads its own status and saves, tests and syncs through the JSON API with the session.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, H2, Text } from '@adminjs/design-system';
import { loadMe, loadProjects, type Me, type ProjectOption } from './connectors/api.js';
import GitHubCard from './connectors/GitHubCard.js';
import GoogleCard, { oauthFlash } from './connectors/GoogleCard.js';
import SlackCard from './connectors/SlackCard.js';

const PersonalConnectors: React.FC = () => {
  const [projects, setProjects] = useState<ProjectOption[]>([]);
  const [me, setMe] = useState<Me | null>(null);
  const flash = useMemo(() => oauthFlash(window.location.search), []);

  useEffect(() => {
    void loadProjects().then(setProjects);
    void loadMe().then(setMe);
  }, []);

  return (
    <Box variant="grey" data-testid="personal-connectors">
      <Box mb="xl" style={{ maxWidth: 960 }}>
        <H2 marginTop="lg" marginBottom="sm">Personal connectors</H2>
        <Text color="grey60">
          Connect your own GitHub, Google Calendar and Slack accounts. Each connector is optional and only acts for you;
          tokens and secrets are stored encrypted and are never shown again after you save them.
        </Text>
      </Box>
      <GitHubCard projects={projects} isAdmin={me?.role === 'admin'} />
      <GoogleCard projects={projects} flash={flash} />
      <SlackCard />
    </Box>
  );
};

export default PersonalConnectors;
