import type { AutoMatchResponse } from "../../api/types";
import { toast } from "../../app/toasts";

/** Toasts of the three auto-match outcomes (web-ui §3.4.7). */
export function toastAutoMatch(response: AutoMatchResponse): void {
  if (response.matched) {
    const applied = response.result?.applied.length ?? 0;
    toast.success(`Matched “${response.candidate?.title ?? ""}”`, `applied ${applied} fields`);
    return;
  }
  if (response.reason === "low_confidence") {
    const score = (response.candidate?.relevanceScore ?? 0).toFixed(2);
    const threshold = (response.threshold ?? 0.8).toFixed(2);
    toast.warning("Match below threshold", `Best match “${response.candidate?.title ?? ""}” scored ${score}, below ${threshold}`);
    return;
  }
  toast.warning("No match found");
}
