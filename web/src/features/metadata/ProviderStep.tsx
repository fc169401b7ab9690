import { Badge, Button, Card, Group, SimpleGrid, Stack, Text } from "@mantine/core";
import type { ExternalIdRow, PluginAction } from "../../api/types";

interface ProviderStepProps {
  providers: PluginAction[];
  externalIds: ExternalIdRow[];
  onSearch: (provider: PluginAction) => void;
  onUseLinked: (provider: PluginAction, externalId: string) => void;
}

/** Step 1: provider cards, with "Use linked entry" when already matched (web-ui §3.4.6.1). */
export function ProviderStep({ providers, externalIds, onSearch, onUseLinked }: ProviderStepProps) {
  if (providers.length === 0) return <Text size="sm" c="dimmed">No metadata providers are available for this library.</Text>;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      {providers.map((provider) => {
        const linked = externalIds.find((row) => row.source === `plugin:${provider.pluginName}`);
        return (
          <Card key={provider.pluginId} withBorder>
            <Stack gap="xs">
              <Group justify="space-between">
                <Text fw={600}>{provider.pluginDisplayName}</Text>
                <Group gap={4}>
                  {provider.capabilities.metadataProvider.includes("series") ? <Badge size="xs">Series</Badge> : null}
                  {provider.capabilities.metadataProvider.includes("book") ? <Badge size="xs" color="grape">Books</Badge> : null}
                </Group>
              </Group>
              {linked ? <Text size="sm">Linked: {linked.externalId}</Text> : null}
              <Group gap="xs">
                <Button size="xs" onClick={() => onSearch(provider)}>Search</Button>
                {linked ? <Button size="xs" variant="light" onClick={() => onUseLinked(provider, linked.externalId)}>Use linked entry</Button> : null}
              </Group>
            </Stack>
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
