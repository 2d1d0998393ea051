// The fourth connector's card on the Personal connectors page: its title and its status badge text.
import React, { useEffect, useState } from 'react';
import { Box, H4, Text } from '@adminjs/design-system';

const FourthCard: React.FC<{ connector: { slug: string; title: string } }> = ({ connector }) => {
  const [state, setState] = useState('loading');
  useEffect(() => {
    void fetch(`/api/integrations/${connector.slug}/status`, { credentials: 'same-origin' })
      .then((res) => res.json())
      .then((body: { state?: string }) => setState(body.state ?? 'unknown'));
  }, [connector.slug]);
  return (
    <Box variant="card" mb="xl" data-testid="fourth-card">
      <H4>{connector.title}</H4>
      <Text data-testid="fourth-card-state">{state}</Text>
    </Box>
  );
};

export default FourthCard;
