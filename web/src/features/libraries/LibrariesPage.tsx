import { Button, Group, Stack, Table, Title, VisuallyHidden } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Library } from "../../api/types";
import { useCan } from "../../app/permissions";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState, RefreshFailedNotice } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { usePageTitle } from "../../components/usePageTitle";
import { AddLibraryModal } from "./AddLibraryModal";
import { DeleteLibraryModal, RenameLibraryModal } from "./LibraryDialogs";
import { LibraryRow } from "./LibraryRow";
import { librariesQuery } from "./queries";

type Dialog = { kind: "add" } | { kind: "rename"; library: Library } | { kind: "delete"; library: Library } | null;

/** All libraries with scan state and actions (web-ui §3.2). */
export function LibrariesPage() {
  usePageTitle("Libraries");
  const can = useCan();
  const libraries = useQuery(librariesQuery);
  const [dialog, setDialog] = useState<Dialog>(null);
  const addButton = can("libraries:manage") ? <Button onClick={() => setDialog({ kind: "add" })}>Add library</Button> : null;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Libraries</Title>
        {addButton}
      </Group>
      {libraries.isPending ? (
        <ListSkeleton rows={3} />
      ) : libraries.isError && !libraries.data ? (
        <ErrorState thing="libraries" error={libraries.error} onRetry={() => void libraries.refetch()} />
      ) : libraries.data.items.length === 0 ? (
        <EmptyState title="No libraries yet." description={addButton ? undefined : "Ask an administrator to add a library."} action={addButton} />
      ) : (
        <>
          {libraries.isRefetchError ? <RefreshFailedNotice onRetry={() => void libraries.refetch()} /> : null}
          <Table.ScrollContainer minWidth={800}>
            <Table highlightOnHover>
              <Table.Caption><VisuallyHidden>Libraries</VisuallyHidden></Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th><Table.Th>Path</Table.Th><Table.Th>Series</Table.Th><Table.Th>Books</Table.Th>
                  <Table.Th>Last scan</Table.Th><Table.Th>Jobs</Table.Th><Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {libraries.data.items.map((library) => (
                  <LibraryRow key={library.id} library={library}
                    onRename={() => setDialog({ kind: "rename", library })} onDelete={() => setDialog({ kind: "delete", library })} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
      {dialog?.kind === "add" ? <AddLibraryModal onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === "rename" ? <RenameLibraryModal library={dialog.library} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === "delete" ? <DeleteLibraryModal library={dialog.library} onClose={() => setDialog(null)} /> : null}
    </Stack>
  );
}
