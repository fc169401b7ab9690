import { Alert, Anchor, Badge, Button, Checkbox, Group, Stack, Table, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { EntityType, FetchPreviewResponse, PluginAction } from "../../api/types";
import { PlainValue } from "../../components/ChangeValue";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { fieldLabel } from "./fieldCatalog";
import { applyFields, initiallyChecked, isRowDisabled, PREVIEW_STATUS_BADGES, providerErrorMessage, visibleRows } from "./fetchMetadataModel";
import { previewMetadata } from "./queries";

interface ReviewTableProps {
  preview: FetchPreviewResponse;
  checked: Set<string>;
  onToggle: (field: string, on: boolean) => void;
}

function ReviewTable({ preview, checked, onToggle }: ReviewTableProps) {
  const [showAll, setShowAll] = useState(false);
  const { rows, hiddenCount } = visibleRows(preview.fields, showAll);
  return (
    <Stack gap="xs">
      <Table>
        <Table.Caption><VisuallyHidden>Fields to apply</VisuallyHidden></Table.Caption>
        <Table.Thead><Table.Tr><Table.Th><VisuallyHidden>Apply</VisuallyHidden></Table.Th><Table.Th>Field</Table.Th><Table.Th>Current</Table.Th><Table.Th>Proposed</Table.Th><Table.Th>Status</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const badge = PREVIEW_STATUS_BADGES[row.status];
            return (
              <Table.Tr key={row.field}>
                <Table.Td><Checkbox aria-label={`Apply ${fieldLabel(row.field)}`} checked={checked.has(row.field)} disabled={isRowDisabled(row)} onChange={(event) => onToggle(row.field, event.currentTarget.checked)} /></Table.Td>
                <Table.Td>{fieldLabel(row.field)}</Table.Td>
                <Table.Td><PlainValue value={row.currentValue} field={row.field} /></Table.Td>
                <Table.Td><PlainValue value={row.proposedValue} field={row.field} /></Table.Td>
                <Table.Td>{row.reason ? <Tooltip label={row.reason}><Badge color={badge.color} miw="max-content">{badge.label}</Badge></Tooltip> : <Badge color={badge.color} miw="max-content">{badge.label}</Badge>}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {!showAll && hiddenCount > 0 ? <Anchor component="button" size="sm" onClick={() => setShowAll(true)}>Show all fields ({hiddenCount})</Anchor> : null}
    </Stack>
  );
}

interface ReviewStepProps {
  entity: EntityType;
  entityId: string;
  provider: PluginAction;
  externalId: string;
  resultTitle: string;
  applying: boolean;
  applyError: string | null;
  onBack: () => void;
  onApply: (fields: string[]) => void;
}

/** Step 3: per-field statuses with the will_apply rows checked (web-ui §3.4.6.3). */
export function ReviewStep({ entity, entityId, provider, externalId, resultTitle, applying, applyError, onBack, onApply }: ReviewStepProps) {
  const preview = useQuery({
    queryKey: ["metadataPreview", entity, entityId, provider.pluginId, externalId],
    queryFn: () => previewMetadata(entity, entityId, { pluginId: provider.pluginId, externalId }),
    retry: false, staleTime: 0, gcTime: 0,
  });
  const [checked, setChecked] = useState<Set<string> | null>(null);
  if (preview.isPending) return <ListSkeleton rows={6} height={28} />;
  if (preview.isError) {
    return <ErrorState thing="the preview" error={preview.error} message={providerErrorMessage(preview.error, provider.pluginDisplayName)} onRetry={() => void preview.refetch()} />;
  }
  const selection = checked ?? initiallyChecked(preview.data.fields);
  const toggle = (field: string, on: boolean) => {
    const next = new Set(selection);
    if (on) next.add(field);
    else next.delete(field);
    setChecked(next);
  };
  const fields = applyFields(preview.data.fields, selection);
  return (
    <Stack>
      <Text fw={500}>
        From {provider.pluginDisplayName} · {preview.data.externalUrl ? <Anchor href={preview.data.externalUrl} target="_blank" rel="noreferrer">{resultTitle} ↗</Anchor> : resultTitle}
      </Text>
      <ReviewTable preview={preview.data} checked={selection} onToggle={toggle} />
      {applyError ? <Alert color="red" role="alert">{applyError}</Alert> : null}
      <Group justify="flex-end">
        <Button variant="default" onClick={onBack}>Back</Button>
        <Button disabled={fields.length === 0} loading={applying} onClick={() => onApply(fields)}>Apply {fields.length} fields</Button>
      </Group>
    </Stack>
  );
}
