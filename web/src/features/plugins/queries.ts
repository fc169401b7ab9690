import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { Page, Plugin, PluginPreset, PluginTestResult } from "../../api/types";

export const pluginsQuery = queryOptions({
  queryKey: ["plugins"],
  queryFn: () => api.get<Page<Plugin> | Plugin[]>("/plugins"),
  select: (data): Plugin[] => (Array.isArray(data) ? data : data.items),
});

export const presetsQuery = queryOptions({
  queryKey: ["plugins", "presets"],
  queryFn: () => api.get<PluginPreset[] | { items: PluginPreset[] }>("/plugins/presets"),
  select: (data): PluginPreset[] => (Array.isArray(data) ? data : data.items),
  staleTime: Infinity,
});

function useInvalidatePlugins() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ["plugins"] });
    void queryClient.invalidateQueries({ queryKey: ["providers"] });
  };
}

export function useCreatePlugin() {
  const invalidate = useInvalidatePlugins();
  return useMutation({ mutationFn: (body: Record<string, unknown>) => api.post<Plugin>("/plugins", body), onSuccess: invalidate });
}

export function useUpdatePlugin(pluginId: string) {
  const invalidate = useInvalidatePlugins();
  return useMutation({ mutationFn: (body: Record<string, unknown>) => api.patch<Plugin>(`/plugins/${pluginId}`, body), onSuccess: invalidate });
}

export function useSetCredentials(pluginId: string) {
  const invalidate = useInvalidatePlugins();
  return useMutation({
    mutationFn: (body: Record<string, string | null>) => api.patch<{ credentialKeys: string[] }>(`/plugins/${pluginId}/credentials`, body),
    onSuccess: invalidate,
  });
}

export function usePluginCommand() {
  const invalidate = useInvalidatePlugins();
  return useMutation({
    mutationFn: ({ pluginId, command }: { pluginId: string; command: "enable" | "disable" | "restart" }) =>
      api.post<Plugin | undefined>(`/plugins/${pluginId}/${command}`),
    onSettled: invalidate,
  });
}

export function useTestPlugin() {
  const invalidate = useInvalidatePlugins();
  return useMutation({ mutationFn: (pluginId: string) => api.post<PluginTestResult>(`/plugins/${pluginId}/test`), onSettled: invalidate });
}

export function useDeletePlugin() {
  const invalidate = useInvalidatePlugins();
  return useMutation({ mutationFn: (pluginId: string) => api.delete(`/plugins/${pluginId}`), onSuccess: invalidate });
}
