import { Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import type { LibraryJob } from "../../api/types";
import { toast } from "../../app/toasts";
import { liveStore } from "../../live/liveStore";
import { outcomeToasts } from "../../live/outcomeToasts";
import { useDeleteJob, useRunJobNow, useToggleJob } from "./queries";

function attachRun(job: LibraryJob, taskId: string, runId: string | undefined) {
  liveStore.applyEvent({
    type: "task.queued", taskId, taskType: "refresh_library_metadata", status: "pending",
    jobId: job.id, libraryId: job.libraryId, runId: runId ?? null,
  });
}

/** Run now, enable switch and delete of one job row, with their toasts (web-ui §3.6.3–5). */
export function useJobRowCommands(job: LibraryJob) {
  const runNow = useRunJobNow(job.libraryId);
  const toggle = useToggleJob(job.libraryId);
  const remove = useDeleteJob(job.libraryId);

  const startRun = () =>
    runNow.mutate(job.id, {
      onSuccess: ({ taskId, runId }) => {
        attachRun(job, taskId, runId);
        toast.info("Run started", `${job.name} is queued.`);
        outcomeToasts.runStarted(runId);
      },
      onError: (error) => {
        if (error.status === 409 && error.taskId) {
          attachRun(job, error.taskId, error.runId);
          toast.warning("Already running", error.message);
        } else {
          toast.error("Couldn't start job", error.message);
        }
      },
    });

  const setEnabled = (enabled: boolean) =>
    toggle.mutate({ jobId: job.id, enabled }, { onError: (error) => toast.error("Couldn't save job", error.message) });

  const confirmDelete = (runActive: boolean) => {
    if (runActive) return;
    modals.openConfirmModal({
      title: "Delete job?",
      children: (
        <Text size="sm">
          Delete “{job.name}”? This cannot be undone. Metadata already written by this job is not changed.
        </Text>
      ),
      labels: { confirm: "Delete", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () =>
        remove.mutate(job.id, {
          onSuccess: () => toast.success("Job deleted", job.name),
          onError: (error) => toast.error("Couldn't delete job", error.message),
        }),
    });
  };

  return { runNow: startRun, runNowPending: runNow.isPending, toggle: setEnabled, confirmDelete };
}
