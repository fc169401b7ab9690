import { Divider, Stack, Text, Title } from "@mantine/core";
import { useMe } from "../../app/session";
import { usePageTitle } from "../../components/usePageTitle";
import { ApiKeysSection } from "./ApiKeysSection";
import { ChangePasswordForm } from "./ChangePasswordForm";

/** Password and API keys of the signed-in user (web-ui §3.12). */
export function AccountPage() {
  usePageTitle("Account");
  const me = useMe().data;
  return (
    <Stack>
      <Title order={2}>Account</Title>
      {me ? <Text size="sm" c="dimmed">{me.username} · {me.role}</Text> : null}
      <ChangePasswordForm />
      <Divider />
      <ApiKeysSection />
    </Stack>
  );
}
