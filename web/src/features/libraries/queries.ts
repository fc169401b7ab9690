import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, dataOrThrow } from "../../api/client";
import type { CreateLibrary, CreatedLibrary, Library, Page, SeriesListPage } from "../../api/types";
import type { SeriesFilters } from "./seriesFilters";
import { seriesListQueryParams } from "./seriesFilters";

const libraryPath = (libraryId: string) => ({ params: { path: { library_id: libraryId } } });

export const librariesQuery = queryOptions({
  queryKey: ["libraries"],
  queryFn: async (): Promise<Page<Library>> => (await dataOrThrow(api.GET("/libraries"))) as Page<Library>,
});

export const libraryQuery = (libraryId: string) =>
  queryOptions({
    queryKey: ["library", libraryId],
    queryFn: async (): Promise<Library> =>
      (await dataOrThrow(api.GET("/libraries/{library_id}", libraryPath(libraryId)))) as Library,
  });

export const SERIES_PAGE_SIZE = 50;

export const seriesListQueryKey = (libraryId: string, filters: SeriesFilters) => ["series", libraryId, filters] as const;

export async function fetchSeriesPage(libraryId: string, filters: SeriesFilters, cursor: string | null): Promise<SeriesListPage> {
  const page = await dataOrThrow(
    api.GET("/libraries/{library_id}/series", {
      params: {
        path: { library_id: libraryId },
        query: { ...seriesListQueryParams(filters), limit: SERIES_PAGE_SIZE, cursor },
      },
    }),
  );
  return page as SeriesListPage;
}

export function useCreateLibrary() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateLibrary): Promise<CreatedLibrary> =>
      (await dataOrThrow(api.POST("/libraries", { body }))) as CreatedLibrary,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["libraries"] }),
  });
}

export function useRenameLibrary(libraryId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => dataOrThrow(api.PATCH("/libraries/{library_id}", { ...libraryPath(libraryId), body: { name } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["libraries"] });
      void queryClient.invalidateQueries({ queryKey: ["library", libraryId] });
    },
  });
}

export function useDeleteLibrary() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (libraryId: string) => dataOrThrow(api.DELETE("/libraries/{library_id}", libraryPath(libraryId))),
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
      dataOrThrow(api.POST("/libraries/{library_id}/scan", { ...libraryPath(libraryId), body: { full } })),
    onSettled: (_, __, { libraryId }) => {
      void queryClient.invalidateQueries({ queryKey: ["library", libraryId] });
      void queryClient.invalidateQueries({ queryKey: ["libraries"] });
    },
  });
}

export function useBulkAutoMatch(libraryId: string) {
  return useMutation({
    mutationFn: (body: { pluginId: string; seriesIds: string[]; minConfidence: number }) =>
      dataOrThrow(api.POST("/libraries/{library_id}/auto-match", { ...libraryPath(libraryId), body })),
  });
}
