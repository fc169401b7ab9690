import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useNavigate } from "react-router";
import type { Library } from "../../api/types";
import { toast } from "../../app/toasts";
import { useDeleteLibrary, useRenameLibrary } from "./queries";

export function RenameLibraryModal({ library, onClose }: { library: Library; onClose: () => void }) {
  const [name, setName] = useState(library.name);
  const rename = useRenameLibrary(library.id);
  const error = rename.error?.errors.find((fieldError) => fieldError.field === "name")?.message ?? rename.error?.message;
  const save = () => rename.mutate(name.trim(), { onSuccess: () => { toast.success("Library renamed", name.trim()); onClose(); } });
  return (
    <Modal opened onClose={onClose} title="Rename library">
      <Stack>
        <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} error={error} data-autofocus />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button onClick={save} loading={rename.isPending} disabled={!name.trim()}>Save</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Delete asks the user to type the library name (web-ui §3.2). */
export function DeleteLibraryModal({ library, onClose }: { library: Library; onClose: () => void }) {
  const [typed, setTyped] = useState("");
  const remove = useDeleteLibrary();
  const navigate = useNavigate();
  const confirm = () =>
    remove.mutate(library.id, {
      onSuccess: () => { toast.success("Library deleted", library.name); onClose(); navigate("/libraries"); },
    });
  return (
    <Modal opened onClose={onClose} title="Delete library?">
      <Stack>
        <Text size="sm">Series, books, jobs and run history of this library are removed. Files on disk are not touched.</Text>
        <TextInput label={`Type “${library.name}” to confirm`} value={typed} onChange={(event) => setTyped(event.currentTarget.value)}
          error={remove.error?.message} data-autofocus />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button color="red" disabled={typed !== library.name} loading={remove.isPending} onClick={confirm}>Delete</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
