import type { MetadataChange } from "../../api/types";

/** Who wrote a change, as the History tab shows it (web-ui §3.4.5). */
export function changeSourceLabel(change: Pick<MetadataChange, "source" | "jobName" | "userName">): string {
  if (change.source === "scanner") return "Scanner";
  if (change.source.startsWith("revert:")) return "Revert";
  if (change.source.startsWith("user:")) return `User ${change.userName ?? change.source.slice("user:".length)}`;
  if (change.jobName) return `${change.jobName} run`;
  return change.source;
}
