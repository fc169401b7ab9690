import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { CreateLibrary, Library, Page, SeriesListPage, TaskStarted } from "../../api/types";
import type { SeriesFilters } from "./seriesFilters";
import { seriesListQueryParams } from "./seriesFilters";

export const librariesQuery = queryOptions({
  queryKey: ["libraries"],
  queryFn: () => api.get<Page<Library>>("/libraries", { limit: 200 }),
});

export const libraryQuery = (libraryId: string) =>
  queryOptions({
    queryKey: ["library", libraryId],
    queryFn: () => api.get<Library>(`/libraries/${libraryId}`),
  });

export const SERIES_PAGE_SIZE = 50;

export const seriesListQueryKey = (libraryId: string, filters: SeriesFilters) => ["series", libraryId, filters] as const;

export function fetchSeriesPage(libraryId: string, filters: SeriesFilters, cursor: string | null) {
  return api.get<SeriesListPage>(`/libraries/${libraryId}/series`, {
    ...seriesListQueryParams(filters),
    limit: SERIES_PAGE_SIZE,
    cursor,
  });
}

export function useCreateLibrary() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateLibrary) => api.post<Library>("/libraries", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["libraries"] }),
  });
}

export function useRenameLibrary(libraryId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.patch<Library>(`/libraries/${libraryId}`, { name }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["libraries"] });
      void queryClient.invalidateQueries({ queryKey: ["library", libraryId] });
    },
  });
}

export function useDeleteLibrary() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (libraryId: string) => api.delete(`/libraries/${libraryId}`),
    onSuccess: (_, libraryId) => {
      queryClient.removeQueries({ queryKey: ["library", libraryId] });
      void queryClient.invalidateQueries({ queryKey: ["libraries"] });
    },
  });
}

export function useScanLibrary() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ libraryId, full }: { libraryId: string; full: boolean }) =>
      api.post<TaskStarted>(`/libraries/${libraryId}/scan`, { full }),
    onSettled: (_, __, { libraryId }) => {
      void queryClient.invalidateQueries({ queryKey: ["library", libraryId] });
      void queryClient.invalidateQueries({ queryKey: ["libraries"] });
    },
  });
}

export function useBulkAutoMatch(libraryId: string) {
  return useMutation({
    mutationFn: (body: { pluginId: string; seriesIds: string[]; minConfidence: number }) =>
      api.post<TaskStarted>(`/libraries/${libraryId}/auto-match`, body),
  });
}
