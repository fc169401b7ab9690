import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { ApiKey, CreatedApiKey } from "../../api/types";

export const apiKeysQuery = queryOptions({
  queryKey: ["apiKeys"],
  queryFn: () => api.get<{ items: ApiKey[] }>("/api-keys"),
});

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; permissions?: string[]; expiresAt?: string | null }) => api.post<CreatedApiKey>("/api-keys", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["apiKeys"] }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => api.delete(`/api-keys/${keyId}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["apiKeys"] }),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => api.post<void>("/auth/password", body),
  });
}

/** `expiresAt` for "Never / 30 / 90 / 365 days", from `now`. */
export function expiryFromChoice(choice: string, now: Date = new Date()): string | null {
  const days = Number(choice);
  if (!days) return null;
  return new Date(now.getTime() + days * 24 * 3600 * 1000).toISOString();
}
