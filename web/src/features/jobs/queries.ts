import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, dataOrThrow } from "../../api/client";
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

const jobsPath = (libraryId: string) => ({ params: { path: { library_id: libraryId } } });
const jobPath = (libraryId: string, jobId: string) => ({ params: { path: { library_id: libraryId, job_id: jobId } } });
import { previewRequest, type PreviewSource } from "./previewModel";

export const jobsQuery = (libraryId: string) =>
  queryOptions({
    queryKey: ["jobs", libraryId],
    queryFn: async (): Promise<{ jobs: LibraryJob[] }> =>
      (await dataOrThrow(api.GET("/libraries/{library_id}/jobs", jobsPath(libraryId)))) as { jobs: LibraryJob[] },
  });

export const cronPreviewQuery = (expr: string, timezone: string | null, count: number) =>
  queryOptions({
    queryKey: ["cronPreview", expr, timezone, count],
    queryFn: ({ signal }): Promise<CronPreview> =>
      dataOrThrow(api.GET("/library-jobs/cron-preview", { params: { query: { expr, timezone, count } }, signal })),
    staleTime: 60_000,
    retry: false,
  });

export const fieldGroupsQuery = (entity: "series" | "book") =>
  queryOptions({
    queryKey: ["fieldGroups", entity],
    queryFn: (): Promise<FieldGroup[]> =>
      dataOrThrow(api.GET("/library-jobs/metadata-refresh/field-groups", { params: { query: { entity } } })),
    staleTime: Infinity,
  });

export type ProviderScope = "series:bulk" | "book:bulk" | "series:detail" | "book:detail";

export const providersQuery = (scope: ProviderScope, libraryId: string) =>
  queryOptions({
    queryKey: ["providers", scope, libraryId],
    queryFn: async (): Promise<PluginActionsResponse> =>
      (await dataOrThrow(api.GET("/plugins/actions", { params: { query: { scope, libraryId } } }))) as PluginActionsResponse,
  });

export const jobRunsQueryKey = (jobId: string) => ["jobRuns", jobId] as const;

export async function fetchJobRuns(libraryId: string, jobId: string, cursor: string | null): Promise<Page<JobRun>> {
  const init = { params: { ...jobPath(libraryId, jobId).params, query: { limit: 20, cursor } } };
  return (await dataOrThrow(api.GET("/libraries/{library_id}/jobs/{job_id}/runs", init))) as Page<JobRun>;
}

export async function fetchRunDetail(libraryId: string, jobId: string, runId: string, cursor: string | null): Promise<JobRunDetail> {
  const init = { params: { path: { library_id: libraryId, job_id: jobId, run_id: runId }, query: { limit: 50, cursor } } };
  return (await dataOrThrow(api.GET("/libraries/{library_id}/jobs/{job_id}/runs/{run_id}", init))) as JobRunDetail;
}

export async function runPreview(libraryId: string, source: PreviewSource, sampleSize: number, signal?: AbortSignal): Promise<DryRunResponse> {
  const request = previewRequest(source, sampleSize);
  const response =
    request.kind === "unsaved"
      ? await dataOrThrow(api.POST("/libraries/{library_id}/jobs/dry-run", { ...jobsPath(libraryId), body: request.body, signal }))
      : await dataOrThrow(
          api.POST("/libraries/{library_id}/jobs/{job_id}/dry-run", { ...jobPath(libraryId, request.jobId), body: request.body, signal }),
        );
  return response as DryRunResponse;
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
    mutationFn: async (body: CreateJob): Promise<LibraryJob> =>
      (await dataOrThrow(api.POST("/libraries/{library_id}/jobs", { ...jobsPath(libraryId), body }))) as LibraryJob,
    onSuccess: invalidate,
  });
}

export function useUpdateJob(libraryId: string) {
  const invalidate = useInvalidateJobs(libraryId);
  return useMutation({
    mutationFn: async ({ jobId, body }: { jobId: string; body: PatchJob }): Promise<LibraryJob> =>
      (await dataOrThrow(api.PATCH("/libraries/{library_id}/jobs/{job_id}", { ...jobPath(libraryId, jobId), body }))) as LibraryJob,
    onSuccess: invalidate,
  });
}

/** The enable switch is one of the two optimistic updates (web-ui §1.4); rolled back on error. */
export function useToggleJob(libraryId: string) {
  const queryClient = useQueryClient();
  const key = jobsQuery(libraryId).queryKey;
  return useMutation({
    mutationFn: ({ jobId, enabled }: { jobId: string; enabled: boolean }) =>
      dataOrThrow(api.PATCH("/libraries/{library_id}/jobs/{job_id}", { ...jobPath(libraryId, jobId), body: { enabled } })),
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
    mutationFn: (jobId: string) => dataOrThrow(api.DELETE("/libraries/{library_id}/jobs/{job_id}", jobPath(libraryId, jobId))),
    onSuccess: invalidate,
  });
}

export function useRunJobNow(libraryId: string) {
  const invalidate = useInvalidateJobs(libraryId);
  return useMutation({
    mutationFn: (jobId: string): Promise<RunStarted> =>
      dataOrThrow(api.POST("/libraries/{library_id}/jobs/{job_id}/run-now", jobPath(libraryId, jobId))),
    onSettled: invalidate,
  });
}

export function useRevertRun(libraryId: string, jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (runId: string) =>
      dataOrThrow(
        api.POST("/libraries/{library_id}/jobs/{job_id}/runs/{run_id}/revert", {
          params: { path: { library_id: libraryId, job_id: jobId, run_id: runId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: jobRunsQueryKey(jobId) }),
  });
}
