import type { PluginAction, SeriesListItem } from "../../api/types";

export const MAX_PROVIDER_COLUMNS = 4;

export interface ProviderColumn {
  pluginName: string;
  heading: string;
}

/** One column per series provider; readers see plugin names gathered from the rows (web-ui §3.3.4). */
export function providerColumns(actions: readonly PluginAction[] | undefined, rows: readonly SeriesListItem[]): ProviderColumn[] {
  if (actions && actions.length > 0) {
    return actions.map((action) => ({ pluginName: action.pluginName, heading: action.pluginDisplayName }));
  }
  const names = new Set(rows.flatMap((row) => row.matches.map((match) => match.pluginName)));
  return [...names].sort().map((name) => ({ pluginName: name, heading: name }));
}

export function showingText(shown: number, total: number): string {
  return `Showing ${shown} of ${total}`;
}
