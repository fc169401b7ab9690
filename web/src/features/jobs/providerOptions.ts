import type { HealthStatus, PluginAction, PluginCapabilities } from "../../api/types";
import { pluginNameOf } from "./jobRowModel";

/** One provider choice of the job editor, merged from the series and book action lists. */
export interface ProviderOption {
  value: string;
  pluginId: string | null;
  pluginName: string;
  displayName: string;
  capabilities: PluginCapabilities;
  healthStatus: HealthStatus;
  unavailable: boolean;
}

/**
 * Merge `series:bulk` and `book:bulk` actions by plugin id (web-ui §3.7.4). A side counts only when
 * the plugin appears in that side's list, which already checks capability, scope and library.
 */
export function mergeProviderActions(seriesActions: readonly PluginAction[], bookActions: readonly PluginAction[]): ProviderOption[] {
  const byId = new Map<string, ProviderOption>();
  const add = (action: PluginAction, side: "series" | "book") => {
    const existing = byId.get(action.pluginId);
    const option = existing ?? {
      value: `plugin:${action.pluginName}`,
      pluginId: action.pluginId,
      pluginName: action.pluginName,
      displayName: action.pluginDisplayName,
      capabilities: { metadataProvider: [] },
      healthStatus: action.healthStatus,
      unavailable: false,
    };
    if (action.capabilities.metadataProvider.includes(side)) option.capabilities.metadataProvider.push(side);
    byId.set(action.pluginId, option);
  };
  seriesActions.forEach((action) => add(action, "series"));
  bookActions.forEach((action) => add(action, "book"));
  return [...byId.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** A saved provider that is no longer offered stays selectable, marked unavailable. */
export function withSavedProvider(options: ProviderOption[], saved: string | null): ProviderOption[] {
  if (!saved || options.some((option) => option.value === saved)) return options;
  const name = pluginNameOf(saved);
  return [
    ...options,
    {
      value: saved,
      pluginId: null,
      pluginName: name,
      displayName: `${name} (unavailable)`,
      capabilities: { metadataProvider: ["series", "book"] },
      healthStatus: "unknown",
      unavailable: true,
    },
  ];
}

export function isHealthWarning(status: HealthStatus): boolean {
  return status !== "healthy" && status !== "unknown";
}
