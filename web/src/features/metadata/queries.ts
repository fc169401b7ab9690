import { queryOptions, useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { api, dataOrThrow } from "../../api/client";
import type {
  ApplyResponse, AutoMatchResponse, CoverRow, EntityMetadata, EntityType, FetchPreviewResponse, MetadataChange, Page, SearchResponse,
} from "../../api/types";

/** Entity detail keys are the spec's (`['seriesDetail', id]`, `['book', id]`); sub-resources hang below them. */
export function detailKey(entity: EntityType, id: string): QueryKey {
  return entity === "series" ? ["seriesDetail", id] : ["book", id];
}

// The catalogue routes name the entity `{id}`; the fetch-metadata routes `{series_id}` / `{book_id}`.
const byId = (id: string) => ({ params: { path: { id } } });
const seriesFetch = (id: string) => ({ params: { path: { series_id: id } } });
const bookFetch = (id: string) => ({ params: { path: { book_id: id } } });

async function getMetadata(entity: EntityType, id: string): Promise<EntityMetadata> {
  const metadata =
    entity === "series"
      ? await dataOrThrow(api.GET("/series/{id}/metadata", byId(id)))
      : await dataOrThrow(api.GET("/books/{id}/metadata", byId(id)));
  return metadata as EntityMetadata;
}

export const metadataQuery = (entity: EntityType, id: string) =>
  queryOptions({
    queryKey: [...detailKey(entity, id), "metadata"],
    queryFn: () => getMetadata(entity, id),
  });

export const coversQuery = (entity: EntityType, id: string) =>
  queryOptions({
    queryKey: ["covers", entity, id],
    queryFn: async (): Promise<CoverRow[]> => {
      const page =
        entity === "series"
          ? await dataOrThrow(api.GET("/series/{id}/covers", byId(id)))
          : await dataOrThrow(api.GET("/books/{id}/covers", byId(id)));
      return page.items;
    },
  });

export async function fetchChanges(entity: EntityType, id: string, cursor: string | null): Promise<Page<MetadataChange>> {
  const init = { params: { path: { id }, query: { limit: 50, cursor } } };
  const page =
    entity === "series"
      ? await dataOrThrow(api.GET("/series/{id}/metadata/changes", init))
      : await dataOrThrow(api.GET("/books/{id}/metadata/changes", init));
  return page as Page<MetadataChange>;
}

function useInvalidateEntity(entity: EntityType, id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: detailKey(entity, id) });
}

/** `PATCH …/metadata {<field>: value}`: the published body names only `lock`; fields ride along. */
async function patchMetadata(entity: EntityType, id: string, body: Record<string, unknown>): Promise<EntityMetadata> {
  const init = { ...byId(id), body };
  const metadata =
    entity === "series"
      ? await dataOrThrow(api.PATCH("/series/{id}/metadata", init))
      : await dataOrThrow(api.PATCH("/books/{id}/metadata", init));
  return metadata as EntityMetadata;
}

export function usePatchMetadata(entity: EntityType, id: string) {
  const queryClient = useQueryClient();
  const key = metadataQuery(entity, id).queryKey;
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => patchMetadata(entity, id, body),
    onSuccess: (metadata) => {
      queryClient.setQueryData(key, metadata);
      void queryClient.invalidateQueries({ queryKey: detailKey(entity, id) });
    },
  });
}

function putLocks(entity: EntityType, id: string, body: Record<string, boolean>) {
  const init = { ...byId(id), body };
  return entity === "series"
    ? dataOrThrow(api.PUT("/series/{id}/metadata/locks", init))
    : dataOrThrow(api.PUT("/books/{id}/metadata/locks", init));
}

/** Lock toggles are optimistic and roll back on error (web-ui §1.4). */
export function useSetLock(entity: EntityType, id: string) {
  const queryClient = useQueryClient();
  const key = metadataQuery(entity, id).queryKey;
  return useMutation({
    mutationFn: ({ lockKey, locked }: { lockKey: string; locked: boolean }) => putLocks(entity, id, { [lockKey]: locked }),
    onMutate: async ({ lockKey, locked }) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData(key);
      if (previous) queryClient.setQueryData(key, { ...previous, locks: { ...previous.locks, [lockKey]: locked } });
      return { previous };
    },
    onError: (_error, _variables, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function usePutExternalId(entity: EntityType, id: string) {
  const invalidate = useInvalidateEntity(entity, id);
  return useMutation({
    mutationFn: async ({ source, externalId, externalUrl }: { source: string; externalId: string; externalUrl: string | null }) => {
      const init = { params: { path: { id, source } }, body: { externalId, externalUrl } };
      if (entity === "series") await dataOrThrow(api.PUT("/series/{id}/external-ids/{source}", init));
      else await dataOrThrow(api.PUT("/books/{id}/external-ids/{source}", init));
    },
    onSuccess: invalidate,
  });
}

export function useDeleteExternalId(entity: EntityType, id: string) {
  const invalidate = useInvalidateEntity(entity, id);
  return useMutation({
    mutationFn: async (source: string) => {
      const init = { params: { path: { id, source } } };
      if (entity === "series") await dataOrThrow(api.DELETE("/series/{id}/external-ids/{source}", init));
      else await dataOrThrow(api.DELETE("/books/{id}/external-ids/{source}", init));
    },
    onSuccess: invalidate,
  });
}

function useInvalidateCovers(entity: EntityType, id: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ["covers", entity, id] });
    void queryClient.invalidateQueries({ queryKey: detailKey(entity, id) });
  };
}

export function useSelectCover(entity: EntityType, id: string) {
  const invalidate = useInvalidateCovers(entity, id);
  return useMutation({
    mutationFn: async (coverId: string) => {
      const init = { ...byId(id), body: { coverId } };
      if (entity === "series") await dataOrThrow(api.PUT("/series/{id}/covers/selected", init));
      else await dataOrThrow(api.PUT("/books/{id}/covers/selected", init));
    },
    onSuccess: invalidate,
  });
}

/** `POST …/covers` (multipart): the uploaded image becomes the selected cover, locked (metadata §7.6). */
export function useUploadCover(entity: EntityType, id: string) {
  const invalidate = useInvalidateCovers(entity, id);
  return useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.append("file", file);
      // openapi-fetch sends FormData as is; the generated body type names the file as a string.
      const init = { ...byId(id), body: { file: "" }, bodySerializer: () => form };
      if (entity === "series") await dataOrThrow(api.POST("/series/{id}/covers", init));
      else await dataOrThrow(api.POST("/books/{id}/covers", init));
    },
    onSuccess: invalidate,
  });
}

export interface SearchBody {
  pluginId: string;
  query?: string;
  isbn?: string;
  limit: number;
  cursor?: string | null;
}

export async function searchMetadata(entity: EntityType, id: string, body: SearchBody): Promise<SearchResponse> {
  const response =
    entity === "series"
      ? await dataOrThrow(api.POST("/series/{series_id}/metadata/search", { ...seriesFetch(id), body }))
      : await dataOrThrow(api.POST("/books/{book_id}/metadata/search", { ...bookFetch(id), body }));
  return response as SearchResponse;
}

export async function previewMetadata(
  entity: EntityType,
  id: string,
  body: { pluginId: string; externalId: string },
): Promise<FetchPreviewResponse> {
  const response =
    entity === "series"
      ? await dataOrThrow(api.POST("/series/{series_id}/metadata/preview", { ...seriesFetch(id), body }))
      : await dataOrThrow(api.POST("/books/{book_id}/metadata/preview", { ...bookFetch(id), body }));
  return response as FetchPreviewResponse;
}

export function useApplyMetadata(entity: EntityType, id: string) {
  const invalidate = useInvalidateEntity(entity, id);
  return useMutation({
    mutationFn: (body: { pluginId: string; externalId: string; fields: string[] }): Promise<ApplyResponse> =>
      entity === "series"
        ? dataOrThrow(api.POST("/series/{series_id}/metadata/apply", { ...seriesFetch(id), body }))
        : dataOrThrow(api.POST("/books/{book_id}/metadata/apply", { ...bookFetch(id), body })),
    onSuccess: invalidate,
  });
}

export function useAutoMatch(entity: EntityType, id: string) {
  const invalidate = useInvalidateEntity(entity, id);
  return useMutation({
    mutationFn: async (pluginId: string): Promise<AutoMatchResponse> => {
      const body = { pluginId };
      const response =
        entity === "series"
          ? await dataOrThrow(api.POST("/series/{series_id}/metadata/auto-match", { ...seriesFetch(id), body }))
          : await dataOrThrow(api.POST("/books/{book_id}/metadata/auto-match", { ...bookFetch(id), body }));
      return response as AutoMatchResponse;
    },
    onSuccess: invalidate,
  });
}
