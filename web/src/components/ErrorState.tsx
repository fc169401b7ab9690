import { Alert, Anchor, Button, Group, Stack, Text } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { Link } from "react-router";
import { isApiError } from "../api/errors";

interface ErrorStateProps {
  /** What failed to load, as in "Couldn't load <thing>". */
  thing: string;
  error: unknown;
  onRetry: () => void;
  /** For a 404: the entity name and where to go back to. */
  notFound?: { entity: string; backTo: string; backLabel: string };
  /** Replaces the server message, for errors a screen words itself (provider calls). */
  message?: string;
}

function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.isNetwork ? "Can't reach the server." : error.message;
  return "Something went wrong.";
}

/** The error state every query uses (web-ui §4.1.3): never an empty list. */
export function ErrorState({ thing, error, onRetry, notFound, message }: ErrorStateProps) {
  if (isApiError(error) && error.status === 403) {
    return (
      <Alert color="red" title="You don't have access to this." icon={<IconAlertCircle />}>
        {error.requiredPermission ? `Requires permission ${error.requiredPermission}` : error.message}
      </Alert>
    );
  }
  if (notFound && isApiError(error) && error.status === 404) {
    return (
      <Alert color="yellow" title={`This ${notFound.entity} doesn't exist or was deleted.`}>
        <Anchor component={Link} to={notFound.backTo}>
          {notFound.backLabel}
        </Anchor>
      </Alert>
    );
  }
  return (
    <Alert color="red" title={`Couldn't load ${thing}`} icon={<IconAlertCircle />} role="alert">
      <Stack gap="xs">
        <Text size="sm">{message ?? errorMessage(error)}</Text>
        <Group>
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Retry
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** A background refetch failed while data is shown (web-ui §4.1.4). */
export function RefreshFailedNotice({ onRetry }: { onRetry: () => void }) {
  return (
    <Group gap="xs">
      <Text size="xs" c="red">
        Couldn't refresh
      </Text>
      <Anchor component="button" size="xs" onClick={onRetry}>
        Retry
      </Anchor>
    </Group>
  );
}
