import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router";
import { setUnauthenticatedHandler } from "../api/client";
import { meQuery } from "./session";
import { toast } from "./toasts";

/** Installs the API client's 401 handler: clear the cache, go to login with `next` (web-ui §1.3.4). */
export function SessionExpiryHandler() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const here = `${location.pathname}${location.search}`;

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      if (window.location.pathname.startsWith("/login")) return;
      const hadSession = queryClient.getQueryData(meQuery.queryKey) !== undefined;
      queryClient.clear();
      if (hadSession) toast.warning("Session expired", "Please sign in again.", { id: "session-expired" });
      navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
    });
  }, [queryClient, navigate, here]);

  return null;
}
