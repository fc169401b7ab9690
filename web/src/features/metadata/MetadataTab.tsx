import { Stack, Table, VisuallyHidden } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { EntityType } from "../../api/types";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { ExternalIdsTable } from "./ExternalIdsTable";
import { fieldsFor } from "./metadataFields";
import { MetadataRow } from "./MetadataRow";
import { metadataQuery } from "./queries";
import { RatingsList } from "./RatingsList";

/** Metadata rows, external ids and ratings of a series or book (web-ui §3.4.3–4). */
interface MetadataTabProps {
  entity: EntityType;
  entityId: string;
  libraryId: string;
  canWrite: boolean;
}

export function MetadataTab({ entity, entityId, libraryId, canWrite }: MetadataTabProps) {
  const metadata = useQuery(metadataQuery(entity, entityId));
  if (metadata.isPending) return <ListSkeleton rows={10} height={32} />;
  if (metadata.isError) return <ErrorState thing="metadata" error={metadata.error} onRetry={() => void metadata.refetch()} />;
  return (
    <Stack>
      <Table>
        <Table.Caption><VisuallyHidden>Metadata</VisuallyHidden></Table.Caption>
        <Table.Tbody>
          {fieldsFor(entity).map((field) => (
            <MetadataRow key={field.key} entity={entity} entityId={entityId} field={field} metadata={metadata.data} canWrite={canWrite} />
          ))}
        </Table.Tbody>
      </Table>
      <ExternalIdsTable entity={entity} entityId={entityId} libraryId={libraryId} externalIds={metadata.data.externalIds} canWrite={canWrite} />
      {entity === "series" ? <RatingsList ratings={metadata.data.externalRatings ?? []} /> : null}
    </Stack>
  );
}
