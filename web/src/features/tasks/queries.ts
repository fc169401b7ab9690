import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { Page, Task, TaskActionResponse, TaskStats } from "../../api/types";

export interface TaskFilters {
  status: "all" | "completed" | "failed" | "cancelled";
  type: string | null;
  libraryId: string | null;
}

export const taskStatsQuery = queryOptions({
  queryKey: ["taskStats"],
  queryFn: () => api.get<TaskStats>("/tasks/stats"),
});

export const TASK_PAGE_SIZE = 50;

export function fetchRecentTasks(filters: TaskFilters, cursor: string | null) {
  return api.get<Page<Task>>("/tasks", {
    status: filters.status === "all" ? "completed,failed,cancelled" : filters.status,
    type: filters.type,
    libraryId: filters.libraryId,
    limit: TASK_PAGE_SIZE,
    cursor,
  });
}

export const activeTasksQuery = queryOptions({
  queryKey: ["tasks", { active: true }],
  queryFn: () => api.get<Page<Task>>("/tasks", { active: true, limit: 200 }),
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
    mutationFn: (taskId: string) => api.post<TaskActionResponse>(`/tasks/${taskId}/cancel`),
    onSettled: invalidate,
  });
}

export function useRetryTask() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: (taskId: string) => api.post<TaskActionResponse>(`/tasks/${taskId}/retry`),
    onSettled: invalidate,
  });
}

export function usePurgeFinishedTasks() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: (olderThanDays: number) => api.delete<{ deleted: number }>("/tasks/finished", { olderThanDays }),
    onSettled: invalidate,
  });
}
