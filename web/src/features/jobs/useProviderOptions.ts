import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { mergeProviderActions, withSavedProvider } from "./providerOptions";
import { providersQuery } from "./queries";

/** The editor's provider list: series and book bulk actions merged by plugin. */
export function useProviderOptions(libraryId: string, savedProvider: string | null) {
  const series = useQuery(providersQuery("series:bulk", libraryId));
  const books = useQuery(providersQuery("book:bulk", libraryId));
  const options = useMemo(
    () => withSavedProvider(mergeProviderActions(series.data?.actions ?? [], books.data?.actions ?? []), savedProvider),
    [series.data, books.data, savedProvider],
  );
  return {
    options,
    isPending: series.isPending || books.isPending,
    error: series.error ?? books.error,
    refetch: () => {
      void series.refetch();
      void books.refetch();
    },
  };
}
