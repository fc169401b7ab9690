import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, dataOrThrow } from "../../api/client";
import type { TaskActionResponse, TaskPage, TaskStats } from "../../api/types";

const taskPath = (taskId: string) => ({ params: { path: { task_id: taskId } } });

export interface TaskFilters {
  status: "all" | "completed" | "failed" | "cancelled";
  type: string | null;
  libraryId: string | null;
}

export const taskStatsQuery = queryOptions({
  queryKey: ["taskStats"],
  queryFn: async (): Promise<TaskStats> => (await dataOrThrow(api.GET("/tasks/stats"))) as TaskStats,
});

export const TASK_PAGE_SIZE = 50;

export async function fetchRecentTasks(filters: TaskFilters, cursor: string | null): Promise<TaskPage> {
  const query = {
    status: filters.status === "all" ? "completed,failed,cancelled" : filters.status,
    type: filters.type,
    libraryId: filters.libraryId,
    limit: TASK_PAGE_SIZE,
    cursor,
  };
  return (await dataOrThrow(api.GET("/tasks", { params: { query } }))) as TaskPage;
}

export async function fetchActiveTasks(): Promise<TaskPage> {
  return (await dataOrThrow(api.GET("/tasks", { params: { query: { active: true, limit: 200 } } }))) as TaskPage;
}

export const activeTasksQuery = queryOptions({
  queryKey: ["tasks", { active: true }],
  queryFn: fetchActiveTasks,
});

function useInvalidateTasks() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ["tasks"] });
    void queryClient.invalidateQueries({ queryKey: ["taskStats"] });
  };
}

export function useCancelTask() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: async (taskId: string): Promise<TaskActionResponse> =>
      (await dataOrThrow(api.POST("/tasks/{task_id}/cancel", taskPath(taskId)))) as TaskActionResponse,
    onSettled: invalidate,
  });
}

export function useRetryTask() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: async (taskId: string): Promise<TaskActionResponse> =>
      (await dataOrThrow(api.POST("/tasks/{task_id}/retry", taskPath(taskId)))) as TaskActionResponse,
    onSettled: invalidate,
  });
}

export function usePurgeFinishedTasks() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: (olderThanDays: number) => dataOrThrow(api.DELETE("/tasks/finished", { params: { query: { olderThanDays } } })),
    onSettled: invalidate,
  });
}
