import { queryOptions, useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { api } from "../../api/client";
import type {
  ApplyResponse, AutoMatchResponse, CoverRow, EntityMetadata, EntityType, FetchPreviewResponse, MetadataChange, Page, SearchResponse,
} from "../../api/types";
import { entityBase } from "./metadataFields";

/** Entity detail keys are the spec's (`['seriesDetail', id]`, `['book', id]`); sub-resources hang below them. */
export function detailKey(entity: EntityType, id: string): QueryKey {
  return entity === "series" ? ["seriesDetail", id] : ["book", id];
}

export const metadataQuery = (entity: EntityType, id: string) =>
  queryOptions({
    queryKey: [...detailKey(entity, id), "metadata"],
    queryFn: () => api.get<EntityMetadata>(`${entityBase(entity, id)}/metadata`),
  });

export const coversQuery = (entity: EntityType, id: string) =>
  queryOptions({
    queryKey: ["covers", entity, id],
    queryFn: () => api.get<Page<CoverRow> | CoverRow[]>(`${entityBase(entity, id)}/covers`),
  });

export function fetchChanges(entity: EntityType, id: string, cursor: string | null) {
  return api.get<Page<MetadataChange>>(`${entityBase(entity, id)}/metadata/changes`, { limit: 50, cursor });
}

function useInvalidateEntity(entity: EntityType, id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: detailKey(entity, id) });
}

export function usePatchMetadata(entity: EntityType, id: string) {
  const queryClient = useQueryClient();
  const key = metadataQuery(entity, id).queryKey;
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api.patch<EntityMetadata>(`${entityBase(entity, id)}/metadata`, body),
    onSuccess: (metadata) => {
      queryClient.setQueryData(key, metadata);
      void queryClient.invalidateQueries({ queryKey: detailKey(entity, id) });
    },
  });
}

/** Lock toggles are optimistic and roll back on error (web-ui §1.4). */
export function useSetLock(entity: EntityType, id: string) {
  const queryClient = useQueryClient();
  const key = metadataQuery(entity, id).queryKey;
  return useMutation({
    mutationFn: ({ lockKey, locked }: { lockKey: string; locked: boolean }) =>
      api.put<Record<string, boolean>>(`${entityBase(entity, id)}/metadata/locks`, { [lockKey]: locked }),
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
    mutationFn: ({ source, externalId, externalUrl }: { source: string; externalId: string; externalUrl: string | null }) =>
      api.put(`${entityBase(entity, id)}/external-ids/${encodeURIComponent(source)}`, { externalId, externalUrl }),
    onSuccess: invalidate,
  });
}

export function useDeleteExternalId(entity: EntityType, id: string) {
  const invalidate = useInvalidateEntity(entity, id);
  return useMutation({
    mutationFn: (source: string) => api.delete(`${entityBase(entity, id)}/external-ids/${encodeURIComponent(source)}`),
    onSuccess: invalidate,
  });
}

export function useSelectCover(entity: EntityType, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (coverId: string) => api.put(`${entityBase(entity, id)}/covers/selected`, { coverId }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["covers", entity, id] });
      void queryClient.invalidateQueries({ queryKey: detailKey(entity, id) });
    },
  });
}

export interface SearchBody {
  pluginId: string;
  query?: string;
  isbn?: string;
  limit: number;
  cursor?: string | null;
}

export function searchMetadata(entity: EntityType, id: string, body: SearchBody) {
  return api.post<SearchResponse>(`${entityBase(entity, id)}/metadata/search`, body);
}

export function previewMetadata(entity: EntityType, id: string, body: { pluginId: string; externalId: string }) {
  return api.post<FetchPreviewResponse>(`${entityBase(entity, id)}/metadata/preview`, body);
}

export function useApplyMetadata(entity: EntityType, id: string) {
  const invalidate = useInvalidateEntity(entity, id);
  return useMutation({
    mutationFn: (body: { pluginId: string; externalId: string; fields: string[] }) =>
      api.post<ApplyResponse>(`${entityBase(entity, id)}/metadata/apply`, body),
    onSuccess: invalidate,
  });
}

export function useAutoMatch(entity: EntityType, id: string) {
  const invalidate = useInvalidateEntity(entity, id);
  return useMutation({
    mutationFn: (pluginId: string) => api.post<AutoMatchResponse>(`${entityBase(entity, id)}/metadata/auto-match`, { pluginId }),
    onSuccess: invalidate,
  });
}
