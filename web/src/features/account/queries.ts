import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, dataOrThrow } from "../../api/client";
import type { CreateApiKey } from "../../api/types";

export const apiKeysQuery = queryOptions({
  queryKey: ["apiKeys"],
  queryFn: () => dataOrThrow(api.GET("/api-keys")),
});

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiKey) => dataOrThrow(api.POST("/api-keys", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["apiKeys"] }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => dataOrThrow(api.DELETE("/api-keys/{key_id}", { params: { path: { key_id: keyId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["apiKeys"] }),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => dataOrThrow(api.POST("/auth/password", { body })),
  });
}

/** `expiresAt` for "Never / 30 / 90 / 365 days", from `now`. */
export function expiryFromChoice(choice: string, now: Date = new Date()): string | null {
  const days = Number(choice);
  if (!days) return null;
  return new Date(now.getTime() + days * 24 * 3600 * 1000).toISOString();
}
