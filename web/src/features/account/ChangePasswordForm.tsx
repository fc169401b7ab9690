import { Button, PasswordInput, Stack, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { toast } from "../../app/toasts";
import { useChangePassword } from "./queries";

const MIN_PASSWORD_CHARS = 12;

export function ChangePasswordForm() {
  const change = useChangePassword();
  const form = useForm({
    initialValues: { currentPassword: "", newPassword: "", confirm: "" },
    validate: {
      currentPassword: (value) => (value ? null : "Enter your current password"),
      newPassword: (value) => (value.length >= MIN_PASSWORD_CHARS ? null : `At least ${MIN_PASSWORD_CHARS} characters`),
      confirm: (value, values) => (value === values.newPassword ? null : "Passwords do not match"),
    },
  });
  const submit = form.onSubmit(({ currentPassword, newPassword }) =>
    change.mutate({ currentPassword, newPassword }, {
      onSuccess: () => { form.reset(); toast.success("Password changed"); },
      onError: (error) => {
        const field = error.errors[0]?.field;
        form.setFieldError(field === "newPassword" ? "newPassword" : "currentPassword", error.errors[0]?.message ?? error.message);
      },
    }),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={400}>
        <Title order={4}>Change password</Title>
        <PasswordInput label="Current password" autoComplete="current-password" {...form.getInputProps("currentPassword")} />
        <PasswordInput label="New password" description="At least 12 characters" autoComplete="new-password" {...form.getInputProps("newPassword")} />
        <PasswordInput label="Confirm" autoComplete="new-password" {...form.getInputProps("confirm")} />
        <Button type="submit" w="fit-content" loading={change.isPending}>Change password</Button>
      </Stack>
    </form>
  );
}
