import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import type {
  CreateJob,
  CronPreview,
  DryRunResponse,
  FieldGroup,
  JobRun,
  JobRunDetail,
  LibraryJob,
  Page,
  PatchJob,
  PluginActionsResponse,
  RunStarted,
} from "../../api/types";
import { previewRequest, type PreviewSource } from "./previewModel";

export const jobsQuery = (libraryId: string) =>
  queryOptions({
    queryKey: ["jobs", libraryId],
    queryFn: () => api.get<{ jobs: LibraryJob[] }>(`/libraries/${libraryId}/jobs`),
  });

export const cronPreviewQuery = (expr: string, timezone: string | null, count: number) =>
  queryOptions({
    queryKey: ["cronPreview", expr, timezone, count],
    queryFn: ({ signal }) =>
      api.get<CronPreview>("/library-jobs/cron-preview", { expr, timezone, count }, signal),
    staleTime: 60_000,
    retry: false,
  });

export const fieldGroupsQuery = (entity: "series" | "book") =>
  queryOptions({
    queryKey: ["fieldGroups", entity],
    queryFn: () => api.get<FieldGroup[]>("/library-jobs/metadata-refresh/field-groups", { entity }),
    staleTime: Infinity,
  });

export type ProviderScope = "series:bulk" | "book:bulk" | "series:detail" | "book:detail";

export const providersQuery = (scope: ProviderScope, libraryId: string) =>
  queryOptions({
    queryKey: ["providers", scope, libraryId],
    queryFn: () => api.get<PluginActionsResponse>("/plugins/actions", { scope, libraryId }),
  });

export const jobRunsQueryKey = (jobId: string) => ["jobRuns", jobId] as const;

export function fetchJobRuns(libraryId: string, jobId: string, cursor: string | null) {
  return api.get<Page<JobRun>>(`/libraries/${libraryId}/jobs/${jobId}/runs`, { limit: 20, cursor });
}

export function fetchRunDetail(libraryId: string, jobId: string, runId: string, cursor: string | null) {
  return api.get<JobRunDetail>(`/libraries/${libraryId}/jobs/${jobId}/runs/${runId}`, { limit: 50, cursor });
}

export function runPreview(libraryId: string, source: PreviewSource, sampleSize: number, signal?: AbortSignal) {
  const request = previewRequest(libraryId, source, sampleSize);
  return api.post<DryRunResponse>(request.path, request.body, { signal });
}

function useInvalidateJobs(libraryId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ["jobs", libraryId] });
    void queryClient.invalidateQueries({ queryKey: ["library", libraryId] });
  };
}

export function useCreateJob(libraryId: string) {
  const invalidate = useInvalidateJobs(libraryId);
  return useMutation({
    mutationFn: (body: CreateJob) => api.post<LibraryJob>(`/libraries/${libraryId}/jobs`, body),
    onSuccess: invalidate,
  });
}

export function useUpdateJob(libraryId: string) {
  const invalidate = useInvalidateJobs(libraryId);
  return useMutation({
    mutationFn: ({ jobId, body }: { jobId: string; body: PatchJob }) =>
      api.patch<LibraryJob>(`/libraries/${libraryId}/jobs/${jobId}`, body),
    onSuccess: invalidate,
  });
}

/** The enable switch is one of the two optimistic updates (web-ui §1.4); rolled back on error. */
export function useToggleJob(libraryId: string) {
  const queryClient = useQueryClient();
  const key = jobsQuery(libraryId).queryKey;
  return useMutation({
    mutationFn: ({ jobId, enabled }: { jobId: string; enabled: boolean }) =>
      api.patch<LibraryJob>(`/libraries/${libraryId}/jobs/${jobId}`, { enabled }),
    onMutate: async ({ jobId, enabled }) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData(key);
      queryClient.setQueryData(key, (data) =>
        data ? { jobs: data.jobs.map((job) => (job.id === jobId ? { ...job, enabled } : job)) } : data,
      );
      return { previous };
    },
    onError: (_error, _variables, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteJob(libraryId: string) {
  const invalidate = useInvalidateJobs(libraryId);
  return useMutation({
    mutationFn: (jobId: string) => api.delete(`/libraries/${libraryId}/jobs/${jobId}`),
    onSuccess: invalidate,
  });
}

export function useRunJobNow(libraryId: string) {
  const invalidate = useInvalidateJobs(libraryId);
  return useMutation({
    mutationFn: (jobId: string) => api.post<RunStarted>(`/libraries/${libraryId}/jobs/${jobId}/run-now`),
    onSettled: invalidate,
  });
}

export function useRevertRun(libraryId: string, jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (runId: string) =>
      api.post<RunStarted>(`/libraries/${libraryId}/jobs/${jobId}/runs/${runId}/revert`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: jobRunsQueryKey(jobId) }),
  });
}
