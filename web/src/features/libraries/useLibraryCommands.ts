import { toast } from "../../app/toasts";
import { liveStore } from "../../live/liveStore";
import { useScanLibrary } from "./queries";

/** Scan / full rescan with the "Scan started" toast; the task goes into the live store at once. */
export function useStartScan() {
  const scan = useScanLibrary();
  const start = (libraryId: string, libraryName: string, full: boolean) =>
    scan.mutate({ libraryId, full }, {
      onSuccess: ({ taskId }) => {
        liveStore.applyEvent({ type: "task.queued", taskId, taskType: "scan_library", status: "pending", libraryId });
        toast.info("Scan started", libraryName);
      },
      onError: (error) => {
        if (error.status === 409 && error.taskId) {
          liveStore.applyEvent({ type: "task.queued", taskId: error.taskId, taskType: "scan_library", status: "pending", libraryId });
        }
        toast.error("Couldn't start scan", error.message);
      },
    });
  return { start, isPending: scan.isPending };
}
