import { Alert } from "@mantine/core";

/** Shown instead of a screen the user lacks the permission for (web-ui §2). */
export function NoAccess({ permission }: { permission: string }) {
  return (
    <Alert color="red" title="No access">
      You don't have access to this. Requires permission {permission}
    </Alert>
  );
}
