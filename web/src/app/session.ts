import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, dataOrThrow } from "../api/client";
import type { Health } from "../api/types";

export const meQuery = queryOptions({
  queryKey: ["me"],
  queryFn: () => dataOrThrow(api.GET("/auth/me")),
  staleTime: 60_000,
  retry: false,
});

export const healthQuery = queryOptions({
  queryKey: ["health"],
  queryFn: async (): Promise<Health> => dataOrThrow(api.GET("/health")),
  retry: false,
});

export function useMe() {
  return useQuery(meQuery);
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) => dataOrThrow(api.POST("/auth/login", { body })),
    onSuccess: (response) => queryClient.setQueryData(meQuery.queryKey, response.user),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => dataOrThrow(api.POST("/auth/logout")),
    onSettled: () => queryClient.clear(),
  });
}

/** Only same-origin relative paths may be used as a post-login target (web-ui §1.3.4). */
export function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/libraries";
  if (next.startsWith("/login")) return "/libraries";
  return next;
}
