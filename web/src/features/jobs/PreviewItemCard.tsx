import { ActionIcon, Badge, Card, Group, Stack, Text, Tooltip } from "@mantine/core";
import { IconExternalLink } from "@tabler/icons-react";
import type { DryRunItem } from "../../api/types";
import { ChangeValues } from "../../components/ChangeValue";
import { fieldLabel } from "../metadata/fieldCatalog";
import { entityPath, itemStatusBadge, notWrittenLines } from "./previewModel";

/** One sampled item of a preview: status, before → after rows, unchanged and not-written fields. */
export function PreviewItemCard({ item, minMatchConfidence }: { item: DryRunItem; minMatchConfidence: number }) {
  const badge = itemStatusBadge(item, minMatchConfidence);
  const notWritten = notWrittenLines(item);
  return (
    <Card withBorder data-testid="preview-item" data-id={item.entityId}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Text fw={600}>{item.name}</Text>
            <ActionIcon component="a" href={entityPath(item)} target="_blank" variant="subtle" size="sm" aria-label={`Open ${item.name}`}>
              <IconExternalLink size={14} />
            </ActionIcon>
            <Badge variant="outline" size="sm">{item.entityType === "book" ? "Book" : "Series"}</Badge>
          </Group>
          <Badge color={badge.color}>{badge.label}</Badge>
        </Group>
        {item.status === "error" && item.reason ? <Text size="sm" c="red">{item.reason}</Text> : null}
        {item.changes.map((change) => (
          <Group key={change.field} gap="xs" align="flex-start" wrap="nowrap" data-testid="change-row">
            <Tooltip label={change.field}>
              <Text size="sm" fw={500} miw={140}>{fieldLabel(change.field)}</Text>
            </Tooltip>
            <ChangeValues before={change.before} after={change.after} field={change.field} />
          </Group>
        ))}
        {item.unchanged.length ? <Text size="sm" c="dimmed">Unchanged: {item.unchanged.join(", ")}</Text> : null}
        {notWritten.length ? (
          <Stack gap={0}>
            <Text size="sm" fw={500}>Not written:</Text>
            {notWritten.map((line) => <Text key={line} size="sm" c="dimmed">{line}</Text>)}
          </Stack>
        ) : null}
      </Stack>
    </Card>
  );
}
