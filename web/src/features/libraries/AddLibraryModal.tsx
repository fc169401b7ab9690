import { Button, Checkbox, Group, Modal, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useNavigate } from "react-router";
import { toast } from "../../app/toasts";
import { useCreateLibrary } from "./queries";

const FIELD_FOR_SERVER: Record<string, "name" | "rootPath"> = { name: "name", rootPath: "rootPath" };

/** "Add library" (web-ui §3.2): server errors land on the matching field. */
export function AddLibraryModal({ onClose }: { onClose: () => void }) {
  const create = useCreateLibrary();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { name: "", rootPath: "", scan: true },
    validate: {
      name: (value) => (value.trim() ? null : "Enter a name"),
      rootPath: (value) => (value.trim() ? null : "Enter the folder path"),
    },
  });
  const submit = form.onSubmit((values) =>
    create.mutate({ ...values, name: values.name.trim(), rootPath: values.rootPath.trim() }, {
      onSuccess: (library) => {
        toast.success("Library added", library.name);
        onClose();
        navigate(`/libraries/${library.id}`);
      },
      onError: (error) => {
        const fieldErrors: Record<string, string> = {};
        for (const fieldError of error.errors) {
          const field = FIELD_FOR_SERVER[fieldError.field.replace(/^body\./, "")];
          if (field) fieldErrors[field] ??= fieldError.message;
        }
        // A 409 (name or folder already used) names no field; show it on the likelier one.
        if (Object.keys(fieldErrors).length === 0) {
          fieldErrors[error.message.toLowerCase().includes("path") ? "rootPath" : "name"] = error.message;
        }
        form.setErrors(fieldErrors);
      },
    }),
  );
  return (
    <Modal opened onClose={onClose} title="Add library">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps("name")} />
          <TextInput label="Root path" withAsterisk ff="monospace"
            description="Absolute path of the folder on the server. Each first-level folder becomes a series."
            {...form.getInputProps("rootPath")} />
          <Checkbox label="Scan now" {...form.getInputProps("scan", { type: "checkbox" })} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={create.isPending}>Add library</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
