import { Alert, Checkbox, Fieldset, Group, SimpleGrid, Stack, Text } from "@mantine/core";
import type { FieldGroup } from "../../api/types";
import { fieldsWritten, willWriteSummary } from "./fieldGroupRules";

interface FieldGroupCardsProps {
  id: string;
  legend: string;
  entity: "series" | "book";
  groups: FieldGroup[];
  selected: string[];
  extraFields: string[];
  error: React.ReactNode;
  onChange: (groupIds: string[]) => void;
}

/** Checkbox cards whose fields are always visible, and the "Will write" summary (web-ui §3.7.6–7). */
export function FieldGroupCards({ id, legend, entity, groups, selected, extraFields, error, onChange }: FieldGroupCardsProps) {
  const toggle = (groupId: string, checked: boolean) => {
    const next = checked ? [...selected, groupId] : selected.filter((idInList) => idInList !== groupId);
    // Keep catalogue order so the saved list reads like the page.
    onChange(groups.map((group) => group.id).filter((groupId2) => next.includes(groupId2)));
  };
  const fields = fieldsWritten(groups, selected, extraFields);
  return (
    <Fieldset legend={legend} id={id} tabIndex={-1}>
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 2, md: 3 }} spacing="xs">
          {groups.map((group) => (
            <Checkbox.Card
              key={group.id}
              checked={selected.includes(group.id)}
              onChange={(checked) => toggle(group.id, checked)}
              p="xs"
              radius="sm"
              aria-label={group.label}
            >
              <Group wrap="nowrap" align="flex-start" gap="xs">
                <Checkbox.Indicator />
                <Stack gap={2}>
                  <Text size="sm" fw={500}>
                    {group.label}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {group.fields.join(", ")}
                  </Text>
                </Stack>
              </Group>
            </Checkbox.Card>
          ))}
        </SimpleGrid>
        {error ? (
          <Alert color="red" role="alert" p="xs">
            {error}
          </Alert>
        ) : fields.length ? (
          <Alert color="blue" p="xs">
            {willWriteSummary(entity, fields)}
          </Alert>
        ) : null}
      </Stack>
    </Fieldset>
  );
}
