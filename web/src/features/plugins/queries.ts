import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, dataOrThrow } from "../../api/client";
import type { CreatePlugin, Plugin, PluginPreset, PluginTestResult, UpdatePlugin } from "../../api/types";

const pluginPath = (pluginId: string) => ({ params: { path: { plugin_id: pluginId } } });

export const pluginsQuery = queryOptions({
  queryKey: ["plugins"],
  queryFn: async (): Promise<Plugin[]> => (await dataOrThrow(api.GET("/plugins"))).items as Plugin[],
});

export const presetsQuery = queryOptions({
  queryKey: ["plugins", "presets"],
  queryFn: async (): Promise<PluginPreset[]> => (await dataOrThrow(api.GET("/plugins/presets"))).presets as PluginPreset[],
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
  return useMutation({
    mutationFn: async (body: CreatePlugin): Promise<Plugin> => (await dataOrThrow(api.POST("/plugins", { body }))) as Plugin,
    onSuccess: invalidate,
  });
}

export function useUpdatePlugin(pluginId: string) {
  const invalidate = useInvalidatePlugins();
  return useMutation({
    mutationFn: async (body: UpdatePlugin): Promise<Plugin> =>
      (await dataOrThrow(api.PATCH("/plugins/{plugin_id}", { ...pluginPath(pluginId), body }))) as Plugin,
    onSuccess: invalidate,
  });
}

export function useSetCredentials(pluginId: string) {
  const invalidate = useInvalidatePlugins();
  return useMutation({
    mutationFn: (body: Record<string, string | null>) =>
      dataOrThrow(api.PATCH("/plugins/{plugin_id}/credentials", { ...pluginPath(pluginId), body })),
    onSuccess: invalidate,
  });
}

export type PluginCommand = "enable" | "disable" | "restart";

function runCommand(pluginId: string, command: PluginCommand) {
  const init = pluginPath(pluginId);
  switch (command) {
    case "enable":
      return dataOrThrow(api.POST("/plugins/{plugin_id}/enable", init));
    case "disable":
      return dataOrThrow(api.POST("/plugins/{plugin_id}/disable", init));
    case "restart":
      return dataOrThrow(api.POST("/plugins/{plugin_id}/restart", init));
  }
}

export function usePluginCommand() {
  const invalidate = useInvalidatePlugins();
  return useMutation({
    mutationFn: ({ pluginId, command }: { pluginId: string; command: PluginCommand }): Promise<unknown> => runCommand(pluginId, command),
    onSettled: invalidate,
  });
}

export function useTestPlugin() {
  const invalidate = useInvalidatePlugins();
  return useMutation({
    mutationFn: async (pluginId: string): Promise<PluginTestResult> =>
      (await dataOrThrow(api.POST("/plugins/{plugin_id}/test", pluginPath(pluginId)))) as PluginTestResult,
    onSettled: invalidate,
  });
}

export function useDeletePlugin() {
  const invalidate = useInvalidatePlugins();
  return useMutation({
    mutationFn: (pluginId: string) => dataOrThrow(api.DELETE("/plugins/{plugin_id}", pluginPath(pluginId))),
    onSuccess: invalidate,
  });
}
