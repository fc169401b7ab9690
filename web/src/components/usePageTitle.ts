import { useEffect } from "react";

/** Tab title `<page> · Colophon` (web-ui §2). */
export function usePageTitle(page: string | undefined): void {
  useEffect(() => {
    document.title = page ? `${page} · Colophon` : "Colophon";
  }, [page]);
}
