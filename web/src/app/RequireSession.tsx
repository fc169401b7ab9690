import { Center, Loader } from "@mantine/core";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { isApiError } from "../api/errors";
import { ErrorState } from "../components/ErrorState";
import { useMe } from "./session";

function isUnauthenticated(error: unknown): boolean {
  return isApiError(error) && error.status === 401;
}

/** Renders its children once `/auth/me` answered; without a session it goes to login. */
export function RequireSession({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading session" />
      </Center>
    );
  }
  // A failed background check (server briefly away) keeps the signed-in app on screen.
  if (me.isError && !(me.data && !isUnauthenticated(me.error))) {
    if (isUnauthenticated(me.error)) {
      const next = encodeURIComponent(`${location.pathname}${location.search}`);
      return <Navigate to={`/login?next=${next}`} replace />;
    }
    return (
      <Center h="100vh" p="xl">
        <ErrorState thing="your session" error={me.error} onRetry={() => void me.refetch()} />
      </Center>
    );
  }
  return children;
}
